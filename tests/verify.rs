//! `cargo lab verify` and `cargo lab status` against a small fixture workbook
//! (`tests/fixtures/good`), whole and broken on purpose: each breakage must be reported as the
//! failure it is, and the student's files must never be written.

mod common;

use common::{Fixture, lab_src_digest};

#[test]
fn a_sound_workbook_passes_every_check() {
    let fx = Fixture::new("sound");
    let before = lab_src_digest(&fx.root);
    let out = fx.lab(&["verify"]);
    assert!(
        out.success,
        "verify failed on the sound fixture:\n{}",
        out.text
    );
    assert_eq!(out.last_line(), "11 passed, 0 failed", "{}", out.text);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected",
        "ok",
        "by adder::adds",
    );
    // Mutants are judged two at a time but reported in order.
    out.assert_check(
        "01-adder: mutant `triples` is rejected",
        "ok",
        "by adder::doubles",
    );
    let at = |name: &str| out.text.find(name).unwrap();
    assert!(
        at("mutant `off-by-one`") < at("mutant `triples`"),
        "{}",
        out.text
    );
    assert_eq!(
        before,
        lab_src_digest(&fx.root),
        "verify changed the lab's src/"
    );
}

#[test]
fn a_starter_that_already_passes_is_reported() {
    let fx = Fixture::new("starter-passes");
    fx.copy("solutions/01-adder/src/lib.rs", "labs/01-adder/src/lib.rs");
    let out = fx.lab(&["verify", "01-adder"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: every graded test fails on the starter",
        "FAILED",
        "exercise 1.1: adder::adds passes before any code is written",
    );
}

#[test]
fn a_failing_solution_is_reported() {
    let fx = Fixture::new("solution-fails");
    fx.edit("solutions/01-adder/src/lib.rs", "2 * x", "3 * x");
    let out = fx.lab(&["verify", "adder"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: solution passes every test",
        "FAILED",
        "adder::doubles (tests): failed",
    );
    // Mutants prove nothing against a broken solution, so they are not run.
    assert!(!out.text.contains("mutant `off-by-one`"), "{}", out.text);
}

#[test]
fn a_surviving_mutant_is_reported() {
    let fx = Fixture::new("mutant-survives");
    fx.copy(
        "solutions/01-adder/src/lib.rs",
        "solutions/01-adder/mutants/off-by-one/src/lib.rs",
    );
    let out = fx.lab(&["verify", "01-adder"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected",
        "FAILED",
        "every graded test passes with this bug in place",
    );
    assert!(
        out.last_line().ends_with("passed, 1 failed"),
        "{}",
        out.text
    );
}

#[test]
fn a_missing_chapter_is_reported() {
    let fx = Fixture::new("no-chapter");
    std::fs::remove_file(fx.root.join("book/01-adder.md")).unwrap();
    let out = fx.lab(&["verify", "01-adder"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: lab.toml and its chapter",
        "FAILED",
        "field `chapter`: cannot read",
    );
}

#[test]
fn a_chapter_that_skips_an_exercise_is_reported() {
    let fx = Fixture::new("chapter-skips");
    fx.edit("book/01-adder.md", "## Exercise 1.2: Double", "## Doubling");
    fx.edit("book/01-adder.md", "#exercise-12-double", "#doubling");
    let out = fx.lab(&["verify", "01-adder"]);
    out.assert_check(
        "01-adder: lab.toml and its chapter",
        "FAILED",
        "book/01-adder.md never says `Exercise 1.2`",
    );
}

#[test]
fn a_malformed_manifest_is_reported_with_file_and_field() {
    let fx = Fixture::new("bad-manifest");
    fx.edit("labs/01-adder/lab.toml", "points = 2", "points = \"two\"");
    let out = fx.lab(&["verify", "01-adder"]);
    assert!(!out.success);
    out.assert_check("01-adder: lab.toml and its chapter", "FAILED", "lab.toml");
    out.assert_check("01-adder: lab.toml and its chapter", "FAILED", "points");
}

#[test]
fn an_inconsistent_manifest_is_reported() {
    let fx = Fixture::new("unknown-test");
    fx.edit("labs/01-adder/lab.toml", "adder::doubles", "adder::triples");
    let out = fx.lab(&["verify", "01-adder"]);
    out.assert_check(
        "01-adder: starter's tests build and are exactly the graded tests",
        "FAILED",
        "exercise 1.2 grades `adder::triples`, but no test target holds it",
    );
    out.assert_check(
        "01-adder: starter's tests build and are exactly the graded tests",
        "FAILED",
        "`doubles` is graded by no exercise",
    );
}

#[test]
fn a_broken_book_link_is_reported() {
    let fx = Fixture::new("broken-link");
    fx.edit("book/01-adder.md", "#exercise-12-double", "#exercise-13");
    let out = fx.lab(&["verify", "01-adder"]);
    out.assert_check(
        "book: links and includes resolve",
        "FAILED",
        "no heading with id `exercise-13`",
    );
}

#[test]
fn an_unknown_lab_is_an_error_that_lists_the_labs() {
    let fx = Fixture::new("unknown-lab");
    let out = fx.lab(&["verify", "02-nothing"]);
    assert_eq!(out.code, Some(2), "{}", out.text);
    assert!(
        out.text.contains("no lab named \"02-nothing\""),
        "{}",
        out.text
    );
    assert!(out.text.contains("01-adder (id adder)"), "{}", out.text);
}

#[test]
fn status_scores_the_starter_at_zero_and_the_solution_in_full() {
    let fx = Fixture::new("status");
    let out = fx.lab(&["status"]);
    assert!(out.success, "{}", out.text);
    assert!(
        out.text.contains("not yet implemented: 1.1: add"),
        "{}",
        out.text
    );
    assert!(out.text.contains("Total: 0/3 points"), "{}", out.text);

    fx.copy("solutions/01-adder/src/lib.rs", "labs/01-adder/src/lib.rs");
    let out = fx.lab(&["status", "adder"]);
    assert!(out.text.contains("Total: 3/3 points"), "{}", out.text);
}
