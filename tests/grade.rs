//! `cargo lab release` and `cargo lab grade` against a fixture workbook whose one lab has a test
//! per way a submission can misbehave (`tests/fixtures/grading`). Each submission must be
//! graded exactly as it deserves, with the right reason, in bounded time.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Fixture, copy_tree};
use serde_json::Value;

/// Releases the grading fixture to `<name>-released` and keeps an untouched copy of the
/// release in `<name>-pristine`; returns the released copy, where submissions go.
fn released(name: &str) -> (Fixture, std::path::PathBuf) {
    let source = Fixture::copy_of("grading", name);
    let out = Fixture::scratch(&format!("{name}-released"));
    let run = source.lab(&["release", "--out", out.to_str().unwrap()]);
    assert!(run.success, "release failed:\n{}", run.text);
    let pristine = Fixture::scratch(&format!("{name}-pristine"));
    copy_tree(&out, &pristine);
    (Fixture::at(out), pristine)
}

fn submit(fx: &Fixture, submission: &str) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/grading/submissions")
        .join(submission);
    std::fs::copy(source, fx.root.join("labs/01-behave/src/lib.rs")).unwrap();
}

fn grade_json(fx: &Fixture, extra: &[&str]) -> Value {
    let mut args = vec!["grade", "--format", "json"];
    args.extend(extra);
    let out = fx.lab(&args);
    assert!(out.success, "grading itself failed:\n{}", out.text);
    let json = &out.text[out.text.find('{').expect("no JSON")..];
    let end = json.rfind('}').unwrap();
    serde_json::from_str(&json[..=end]).unwrap_or_else(|e| panic!("{e}: {}", out.text))
}

fn test_entry<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["labs"][0]["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|ex| ex["tests"].as_array().unwrap())
        .find(|t| t["name"] == format!("behave::{name}"))
        .unwrap_or_else(|| panic!("no test {name} in {report:#}"))
}

#[test]
fn each_misbehaviour_is_graded_as_what_it_is() {
    let (fx, _) = released("hostile");
    submit(&fx, "hostile.rs");
    let start = Instant::now();
    let report = grade_json(&fx, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(240),
        "grading took {:?}",
        start.elapsed()
    );

    let expect = [
        ("adds", "timed_out", "timed out after 5 s"),
        ("doubles", "crashed", "SIGABRT"),
        ("negates", "crashed", "stack overflow"),
        ("squares", "no_result", "did not report a result"),
        ("halves", "no_result", "did not report a result"),
        ("increments", "crashed", "SIGSEGV"),
        ("decrements", "timed_out", "timed out after 5 s"),
        ("triples", "passed", ""),
        ("identity_of_four", "passed", ""),
        ("identity_of_zero", "passed", ""),
    ];
    for (name, status, reason) in expect {
        let test = test_entry(&report, name);
        assert_eq!(test["status"], status, "{name}: {test:#}");
        let why = test["reason"].as_str().unwrap();
        assert!(
            why.contains(reason),
            "{name}: reason {why:?} lacks {reason:?}"
        );
    }
    assert_eq!(report["score"], 3, "1 point for triples, 2 for identity");
    assert_eq!(report["max_score"], 10);
    let size = serde_json::to_string(&report).unwrap().len();
    assert!(
        size < 256 * 1024,
        "the 100 MB of output reached the report ({size} bytes)"
    );
}

#[test]
fn a_correct_submission_scores_full_marks_in_every_format() {
    let (fx, _) = released("correct");
    submit(&fx, "correct.rs");
    let dir = fx.root.join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (json, junit, gs, md) = (
        path("g.json"),
        path("junit.xml"),
        path("results.json"),
        path("g.md"),
    );
    let out = fx.lab(&[
        "grade",
        "--format",
        "json",
        "--out",
        &json,
        "--format",
        "junit",
        "--out",
        &junit,
        "--format",
        "gradescope",
        "--out",
        &gs,
        "--format",
        "markdown",
        "--out",
        &md,
    ]);
    assert!(out.success, "{}", out.text);
    let read = |p: &str| std::fs::read_to_string(p).unwrap();

    let report: Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(
        (report["score"].as_u64(), report["max_score"].as_u64()),
        (Some(10), Some(10))
    );
    assert!(
        report["integrity"]
            .as_str()
            .unwrap()
            .contains(".lab/integrity.json")
    );

    let xml = read(&junit);
    assert!(
        xml.contains(r#"<testsuite name="behave" tests="10" skipped="0" errors="0" failures="0">"#),
        "{xml}"
    );

    // Gradescope's documented fields: score, and per test name, score, max_score, status, output.
    let results: Value = serde_json::from_str(&read(&gs)).unwrap();
    assert_eq!(results["score"], 10);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 9, "one Gradescope test per exercise");
    for t in tests {
        for field in ["name", "score", "max_score", "status", "output"] {
            assert!(!t[field].is_null(), "{field} missing in {t}");
        }
        assert_eq!(t["status"], "passed");
        assert_eq!(t["score"], t["max_score"]);
    }

    assert!(
        read(&md).contains("## Grade: 10/10 (100%)"),
        "{}",
        read(&md)
    );
}

#[test]
fn an_edited_test_zeroes_the_lab() {
    let (fx, _) = released("edited-test");
    submit(&fx, "hostile.rs");
    fx.edit(
        "labs/01-behave/tests/behave.rs",
        "assert_eq!(add(2, 3), 5);",
        "",
    );
    let report = grade_json(&fx, &[]);
    let lab = &report["labs"][0];
    assert_eq!(lab["score"], 0);
    assert_eq!(
        lab["tampering"][0]["path"],
        "labs/01-behave/tests/behave.rs"
    );
    assert_eq!(lab["tampering"][0]["change"], "changed");
    assert!(
        lab["not_graded"]
            .as_str()
            .unwrap()
            .contains("protected files were changed")
    );

    // The exit code says whether grading worked; --fail-under makes a low score fail CI.
    let out = fx.lab(&["grade", "--fail-under", "50"]);
    assert_eq!(out.code, Some(1), "{}", out.text);
    assert!(
        out.text
            .contains("TAMPERED  labs/01-behave/tests/behave.rs was changed"),
        "{}",
        out.text
    );
}

#[test]
fn an_added_ignore_is_tampering() {
    let (fx, _) = released("ignore");
    submit(&fx, "correct.rs");
    fx.edit(
        "labs/01-behave/tests/behave.rs",
        "#[test]\nfn adds()",
        "#[test]\n#[ignore]\nfn adds()",
    );
    let report = grade_json(&fx, &[]);
    assert_eq!(report["labs"][0]["score"], 0);
    assert_eq!(
        report["labs"][0]["tampering"][0]["path"],
        "labs/01-behave/tests/behave.rs"
    );
}

#[test]
fn an_added_build_script_is_tampering() {
    let (fx, _) = released("build-script");
    submit(&fx, "correct.rs");
    fx.write("labs/01-behave/build.rs", "fn main() {}\n");
    let report = grade_json(&fx, &[]);
    assert_eq!(report["labs"][0]["score"], 0);
    assert_eq!(
        report["labs"][0]["tampering"][0]["path"],
        "labs/01-behave/build.rs"
    );
    assert_eq!(report["labs"][0]["tampering"][0]["change"], "added");
}

#[test]
fn a_pristine_copy_restores_what_was_changed() {
    let (fx, pristine) = released("pristine");
    submit(&fx, "hostile.rs");
    // The student "fixes" the hanging test by deleting its assertion, and edits the record too.
    fx.edit(
        "labs/01-behave/tests/behave.rs",
        "assert_eq!(add(2, 3), 5);",
        "",
    );
    std::fs::remove_file(fx.root.join(".lab/integrity.json")).unwrap();
    let pristine = pristine.to_str().unwrap();

    let report = grade_json(&fx, &["--pristine", pristine]);
    assert_eq!(
        report["labs"][0]["score"], 0,
        "by default tampering scores zero"
    );

    let report = grade_json(&fx, &["--pristine", pristine, "--on-tamper", "restore"]);
    let lab = &report["labs"][0];
    assert_eq!(
        lab["tampering"][0]["path"],
        "labs/01-behave/tests/behave.rs"
    );
    assert_eq!(
        test_entry(&report, "adds")["status"],
        "timed_out",
        "the restored test ran"
    );
    assert_eq!(lab["score"], 3);
}

#[test]
fn release_leaves_out_the_maintainers_files_and_never_overwrites() {
    let (fx, _) = released("release");
    for gone in ["solutions", "tests", ".ci"] {
        assert!(!fx.root.join(gone).exists(), "{gone} was released");
    }
    assert!(fx.root.join(".lab/integrity.json").is_file());
    let again = Fixture::copy_of("grading", "release-again");
    let out = again.lab(&["release", "--out", fx.root.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{}", out.text);
    assert!(out.text.contains("is not empty"), "{}", out.text);

    let inside = again.root.join("labs/copy");
    let out = again.lab(&["release", "--out", inside.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{}", out.text);
    assert!(out.text.contains("is inside the workbook"), "{}", out.text);
    assert!(
        !inside.exists(),
        "a refused release created {}",
        inside.display()
    );
}

#[test]
fn submissions_sharing_a_target_directory_are_graded_apart() {
    // An instructor grading many submissions with one build cache: the grading copies of two
    // workbooks have the same relative paths, and must still never share test binaries.
    let (right, _) = released("shared-right");
    submit(&right, "correct.rs");
    let (wrong, _) = released("shared-wrong");
    submit(&wrong, "correct.rs");
    wrong.edit("labs/01-behave/src/lib.rs", "a + b", "a - b");
    let target = Fixture::scratch("shared-target");
    let score = |fx: &Fixture| {
        let out = fx.lab_building_in(&target, &["grade"]);
        assert!(out.success, "{}", out.text);
        out.text
            .lines()
            .find(|l| l.starts_with("Score:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(score(&wrong), "Score: 9/10 (90%)");
    assert_eq!(score(&right), "Score: 10/10 (100%)");
    assert_eq!(score(&wrong), "Score: 9/10 (90%)");
}

#[test]
fn a_broken_manifest_is_tampering_and_grading_goes_on() {
    let (fx, _) = released("broken-manifest");
    submit(&fx, "correct.rs");
    fx.write("labs/01-behave/lab.toml", "this is not toml [");
    let report = grade_json(&fx, &[]);
    let lab = &report["labs"][0];
    assert_eq!(lab["score"], 0);
    assert_eq!(lab["tampering"][0]["path"], "labs/01-behave/lab.toml");
    let why = lab["not_graded"].as_str().unwrap();
    assert!(why.contains("lab.toml cannot be read"), "{why}");
}
