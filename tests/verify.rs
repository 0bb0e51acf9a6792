//! `cargo lab verify` and `cargo lab status` against a small fixture workbook
//! (`tests/fixtures/good`), whole and broken on purpose: each breakage must be reported as the
//! failure it is, and the student's files must never be written.

mod common;

use common::{Fixture, lab_src_digest};

/// The fixture lab's whole solution, as a student would write it into `src/lib.rs`.
const SOLVED: &str = "//! Solved.\n\npub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n\npub fn double(x: i64) -> i64 {\n    2 * x\n}\n";

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
    assert_eq!(out.last_line(), "19 passed, 0 failed", "{}", out.text);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "ok",
        "by adder::adds (5/5 runs)",
    );
    // Mutants are judged two at a time but reported in order.
    out.assert_check(
        "01-adder: mutant `triples` is rejected, with the same grade on every run",
        "ok",
        "by adder::doubles",
    );
    out.assert_check(
        "01-adder: alternative `by-adding` passes every test on every run",
        "ok",
        "3 tests × 5 runs",
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
    fx.write("labs/01-adder/src/lib.rs", SOLVED);
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
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
    let out = fx.lab(&["verify", "adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: solution passes every test on every run",
        "FAILED",
        "adder::doubles: failed",
    );
    // Mutants prove nothing against a broken solution, so they are not run.
    assert!(!out.text.contains("mutant `off-by-one`"), "{}", out.text);
}

#[test]
fn a_surviving_mutant_is_reported() {
    let fx = Fixture::new("mutant-survives");
    fx.edit(
        "solutions/01-adder/mutants/off-by-one.patch",
        "+    a + b + 1",
        "+    a + b + 0",
    );
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
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
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
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
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
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
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check("01-adder: lab.toml and its chapter", "FAILED", "lab.toml");
    out.assert_check("01-adder: lab.toml and its chapter", "FAILED", "points");
}

#[test]
fn an_inconsistent_manifest_is_reported() {
    let fx = Fixture::new("unknown-test");
    fx.edit("labs/01-adder/lab.toml", "adder::doubles", "adder::triples");
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
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
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
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

    fx.write("labs/01-adder/src/lib.rs", SOLVED);
    let out = fx.lab(&["status", "adder"]);
    assert!(out.text.contains("Total: 3/3 points"), "{}", out.text);
}

#[test]
fn a_solution_that_disagrees_with_the_starter_is_reported() {
    let fx = Fixture::new("disagrees");
    fx.edit(
        "solutions/01-adder/src/lib.rs",
        "pub fn double(x: i64)",
        "pub fn double(x: i32)",
    );
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: solution agrees with the starter",
        "FAILED",
        "fn double: the signature differs from the starter's",
    );
}

#[test]
fn a_failing_alternative_and_a_stale_mutant_are_reported() {
    let fx = Fixture::new("alternative-fails");
    fx.edit(
        "solutions/01-adder/alternatives/by-adding.patch",
        "add(x, x)",
        "add(x, 1)",
    );
    // The mutant's context no longer matches the solution.
    fx.edit(
        "solutions/01-adder/mutants/triples.patch",
        " pub fn double(x: i64) -> i64 {",
        " pub fn double(y: i64) -> i64 {",
    );
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: alternative `by-adding` passes every test on every run",
        "FAILED",
        "adder::doubles: failed",
    );
    out.assert_check(
        "01-adder: mutant `triples` is rejected, with the same grade on every run",
        "FAILED",
        "src/lib.rs: error applying hunk #1",
    );
}

#[test]
fn a_mutant_whose_grade_changes_between_runs_is_reported() {
    let fx = Fixture::new("flaky-mutant");
    // Every call of `add` takes the next number from files it creates; odd calls are wrong. The
    // tests run in processes of their own, so the same test fails in some runs and passes in
    // others.
    let counter = fx.root.join("calls");
    std::fs::create_dir_all(&counter).unwrap();
    let dir = counter.display();
    let line = format!(
        "    (0..).find(|n: &u32| std::fs::OpenOptions::new().write(true).create_new(true).open(format!(\"{dir}/{{n}}\")).is_ok()).map_or(a + b, |n| if n % 2 == 1 {{ a + b + 1 }} else {{ a + b }})"
    );
    let patch = format!(
        "add is wrong on every other call.\n\n--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,3 @@\n pub fn add(a: i64, b: i64) -> i64 {{\n-    a + b\n+{line}\n }}\n"
    );
    fx.write("solutions/01-adder/mutants/off-by-one.patch", &patch);
    let out = fx.lab(&["verify", "01-adder"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "FAILED",
        "exercise 1.1's grade changes between runs",
    );
}

#[test]
fn a_test_that_waits_without_a_bound_is_reported() {
    let fx = Fixture::new("unbounded-wait");
    fx.edit(
        "labs/01-adder/lab.toml",
        "timeout_secs = 20",
        "timeout_secs = 20\n\n[timeouts]\n\"adder::adds\" = 2",
    );
    fx.edit(
        "solutions/01-adder/mutants/off-by-one.patch",
        "+    a + b + 1",
        "+    loop {\n+        std::thread::park();\n+    }",
    );
    fx.edit(
        "solutions/01-adder/mutants/off-by-one.patch",
        "@@ -1,5 +1,5 @@",
        "@@ -1,5 +1,7 @@",
    );
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "FAILED",
        "adder::adds ran into its 2 s time limit instead of failing on a bounded wait",
    );
}

#[test]
fn findings_are_proved_once_and_replayed_until_something_changes() {
    let fx = Fixture::new("cached");
    // The fixture's target directory outlives the test (its builds are slow), and with it the
    // findings of an earlier run, the edited tests' included: start with none.
    let cache =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-targets/cached/lab/cache");
    if cache.exists() {
        std::fs::remove_dir_all(&cache).unwrap();
    }
    // The first build writes the fixture's Cargo.lock, which every verdict depends on.
    fx.lab(&["status"]);
    let first = fx.lab(&["verify", "01-adder"]);
    assert!(first.success, "{}", first.text);
    let again = fx.lab(&["verify", "01-adder"]);
    assert!(again.success, "{}", again.text);
    again.assert_check(
        "01-adder: solution passes every test on every run",
        "ok (cached)",
        "3 tests × 5 runs",
    );
    again.assert_check(
        "01-adder: mutant `triples` is rejected, with the same grade on every run",
        "ok (cached)",
        "by adder::doubles",
    );
    // An edit to the tests is proved afresh, and so is everything with --no-cache.
    fx.edit(
        "labs/01-adder/tests/adder.rs",
        "assert_eq!(double(21), 42);",
        "assert_eq!(double(21), 42, \"21 doubled\");",
    );
    let edited = fx.lab(&["verify", "01-adder"]);
    assert!(
        !edited.text.contains(
            "mutant `triples` is rejected, with the same grade on every run ... ok (cached)"
        ),
        "{}",
        edited.text
    );
    let fresh = fx.lab(&["verify", "01-adder", "--no-cache"]);
    assert!(!fresh.text.contains("(cached)"), "{}", fresh.text);
}

#[test]
fn a_stale_record_of_generated_mutants_is_reported() {
    let fx = Fixture::new("stale-generated");
    fx.edit("solutions/01-adder/src/lib.rs", "2 * x", "x * 2");
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: generated mutants: the record is current and every one is killed or justified",
        "FAILED",
        "is stale",
    );
    // `cargo lab mutate` brings it up to date.
    let mutate = fx.lab(&["mutate", "01-adder", "--no-generic"]);
    assert!(mutate.success, "{}", mutate.text);
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    out.assert_check(
        "01-adder: generated mutants: the record is current and every one is killed or justified",
        "ok",
        "mutants",
    );
}

#[test]
fn a_record_of_mutants_the_operators_no_longer_make_is_stale() {
    // The record's key still matches (nothing it hashes changed), but it judged a mutant that the
    // operators of this build do not make: an operator changed since, and the record must be
    // made again.
    let fx = Fixture::new("operators-changed");
    fx.edit(
        "solutions/01-adder/generated.toml",
        "mutant = []",
        "[[mutant]]\nname = \"src/lib.rs: add: bounded(n) → unbounded()\"\noperator = \"unbounded-channel\"\nverdict = \"unviable\"\n",
    );
    let out = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(!out.success);
    out.assert_check(
        "01-adder: generated mutants: the record is current and every one is killed or justified",
        "FAILED",
        "the operators of this build make other mutants",
    );
    out.assert_check(
        "01-adder: generated mutants: the record is current and every one is killed or justified",
        "FAILED",
        "src/lib.rs: add: bounded(n) → unbounded()",
    );
}

#[test]
fn a_mutants_recorded_killer_is_tried_first_and_never_lets_it_off() {
    let fx = Fixture::new("killers");
    let record = fx.root.join("solutions/01-adder/killers.toml");
    let first = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    assert!(first.success, "{}", first.text);
    let written = std::fs::read_to_string(&record).expect("verify writes the killers it found");
    assert!(
        written.contains("name = \"off-by-one\"") && written.contains("test = \"adder::adds\""),
        "{written}"
    );

    // Proved afresh, each mutant goes straight to its killer.
    let again = fx.lab(&["verify", "01-adder", "--repeat", "2", "--no-cache"]);
    assert!(again.success, "{}", again.text);
    again.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "ok",
        "by adder::adds (2/2 runs, the test that killed it last time)",
    );

    // A recorded test that does not kill it is only a wrong hint: the mutant is judged in full,
    // still rejected by the test that does, and the record is put right.
    let wrong = std::fs::read_to_string(&record).unwrap().replacen(
        "test = \"adder::adds\"",
        "test = \"adder::doubles\"",
        1,
    );
    std::fs::write(&record, &wrong).unwrap();
    let hinted_wrong = fx.lab(&["verify", "01-adder", "--repeat", "2", "--no-cache"]);
    assert!(hinted_wrong.success, "{}", hinted_wrong.text);
    hinted_wrong.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "ok",
        "by adder::adds (2/2 runs)",
    );
    let put_right = std::fs::read_to_string(&record).unwrap();
    assert_eq!(put_right, written, "the record names the real killer again");

    // And a mutant that no test kills survives whatever the record says.
    fx.edit(
        "solutions/01-adder/mutants/off-by-one.patch",
        "+    a + b + 1",
        "+    a + b + 0",
    );
    let survivor = fx.lab(&["verify", "01-adder", "--repeat", "2"]);
    survivor.assert_check(
        "01-adder: mutant `off-by-one` is rejected, with the same grade on every run",
        "FAILED",
        "every graded test passes with this bug in place",
    );
}
