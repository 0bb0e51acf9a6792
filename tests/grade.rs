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
    let report = grade_json(&fx, &["behave"]);
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
        "behave",
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
    let report = grade_json(&fx, &["behave"]);
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
    let out = fx.lab(&["grade", "behave", "--fail-under", "50"]);
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
    let report = grade_json(&fx, &["behave"]);
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
    let report = grade_json(&fx, &["behave"]);
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

    let report = grade_json(&fx, &["behave", "--pristine", pristine]);
    assert_eq!(
        report["labs"][0]["score"], 0,
        "by default tampering scores zero"
    );

    let report = grade_json(
        &fx,
        &["behave", "--pristine", pristine, "--on-tamper", "restore"],
    );
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

    // The book's passages for maintainers (how a submission can attack the grader) stay behind.
    let guide = Fixture::copy_of("grading", "release-guide");
    std::fs::create_dir_all(guide.root.join("book")).unwrap();
    guide.write(
        "book/guide.md",
        "# Guide\n\nkept\n\n<!-- maintainer-only -->\nhow to attack the grader\n<!-- /maintainer-only -->\n\nalso kept\n",
    );
    let out_dir = Fixture::scratch("release-guide-out");
    let out = guide.lab(&["release", "--out", out_dir.to_str().unwrap()]);
    assert!(out.success, "{}", out.text);
    let page = std::fs::read_to_string(out_dir.join("book/guide.md")).unwrap();
    assert!(!page.contains("attack"), "{page}");
    assert!(
        page.contains("kept") && page.contains("also kept") && page.contains("maintainers' copy")
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
        let out = fx.lab_building_in(&target, &["grade", "behave"]);
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
    // By folder: the broken manifest names no id.
    let report = grade_json(&fx, &["01-behave"]);
    let lab = &report["labs"][0];
    assert_eq!(lab["score"], 0);
    assert_eq!(lab["tampering"][0]["path"], "labs/01-behave/lab.toml");
    let why = lab["not_graded"].as_str().unwrap();
    assert!(why.contains("lab.toml cannot be read"), "{why}");
}

// ---------------------------------------------------------------------------------------------
// A submission that attacks the grader (issue 12): one test per attack, against lab 02-guarded
// (unsafe forbidden, disallowed calls zero the lab). Each checks that the attack is named in the
// report, that it changed nothing but what the grader wrote (the submission, the pristine copy
// and the report folder are hashed before grading, after it, and again a few seconds later),
// and that nothing it started is still running. As root the tests of a submission run as a
// fresh uid; without root (or with CARGO_LAB_SANDBOX=same-user) they run as the grader's user,
// the report says the grade is advisory, and the grader must notice what they changed.
// ---------------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::path::PathBuf;

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether the grader can run the fixtures' tests as a user of their own: it is root, and other
/// users may enter every folder above the fixtures' build folders (a checkout under /root, mode
/// 700, leaves the grader on its advisory path, which the report must then say).
fn isolated() -> bool {
    use std::os::unix::fs::MetadataExt;
    is_root()
        && Path::new(env!("CARGO_TARGET_TMPDIR"))
            .ancestors()
            .all(|dir| std::fs::metadata(dir).is_ok_and(|m| m.mode() & 0o001 != 0))
}

/// How long after grading the trees must still be unchanged (a daemon would strike then).
const AFTERMATH: Duration = Duration::from_secs(3);

/// Every file under some folders: (size, modification time, SHA-256).
#[derive(Debug, PartialEq, Eq)]
struct Tree(BTreeMap<PathBuf, (u64, std::time::SystemTime, Vec<u8>)>);

impl Tree {
    fn of(roots: &[&Path]) -> Tree {
        use sha2::Digest;
        let mut files = BTreeMap::new();
        let mut stack: Vec<PathBuf> = roots.iter().map(|r| r.to_path_buf()).collect();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let meta = std::fs::symlink_metadata(&path).unwrap();
                if meta.is_dir() {
                    if entry.file_name() != "target" {
                        stack.push(path);
                    }
                    continue;
                }
                let hash = if meta.is_file() {
                    sha2::Sha256::digest(std::fs::read(&path).unwrap()).to_vec()
                } else {
                    Vec::new()
                };
                files.insert(path, (meta.len(), meta.modified().unwrap(), hash));
            }
        }
        Tree(files)
    }
}

/// The processes whose command line contains `marker`.
fn running_with(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if text.contains(marker) && !text.contains("cargo-lab-test-harness") {
            found.push(format!("{}: {text}", entry.file_name().to_string_lossy()));
        }
    }
    found
}

/// A copy of the tool binary in a folder of its own, for tests whose submission tries to
/// overwrite the grader: the real one serves every other test.
fn tool_copy(name: &str) -> PathBuf {
    let dir = Fixture::scratch(&format!("{name}-tool"));
    std::fs::create_dir_all(&dir).unwrap();
    let tool = dir.join("workbook");
    std::fs::copy(env!("CARGO_BIN_EXE_workbook"), &tool).unwrap();
    tool
}

/// A released fixture with one of the hostile submissions in lab 02-guarded.
struct Attack {
    fx: Fixture,
    pristine: PathBuf,
    reports: PathBuf,
    name: String,
}

/// What one grading did.
struct Graded {
    out: common::Output,
    json: Value,
    terminal: String,
}

impl Attack {
    fn new(name: &str, submission: &str) -> Attack {
        let (fx, pristine) = released(name);
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/grading/submissions/guarded")
            .join(submission);
        std::fs::copy(source, fx.root.join("labs/02-guarded/src/lib.rs")).unwrap();
        let reports = Fixture::scratch(&format!("{name}-reports"));
        std::fs::create_dir_all(&reports).unwrap();
        Attack {
            fx,
            pristine,
            reports,
            name: name.to_string(),
        }
    }

    fn target(&self) -> PathBuf {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixture-targets")
            .join(&self.name)
    }

    /// Grades lab `guarded` against the pristine copy into a JSON and a terminal report, and
    /// checks that grading changed nothing else, then or a few seconds later.
    fn grade(&self, tool: &Path, env: &[(&str, &str)], extra: &[&str]) -> Graded {
        let json = self.reports.join("grade.json");
        let terminal = self.reports.join("grade.txt");
        let mut args = vec![
            "grade",
            "guarded",
            "--pristine",
            self.pristine.to_str().unwrap(),
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
            "--format",
            "terminal",
            "--out",
            terminal.to_str().unwrap(),
        ];
        args.extend(extra);
        let before = Tree::of(&[&self.fx.root, &self.pristine]);
        let start = Instant::now();
        let out = self.fx.run_tool(tool, &self.target(), env, &args);
        assert!(out.success, "grading itself failed:\n{}", out.text);
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "grading took {:?}",
            start.elapsed()
        );
        let after = Tree::of(&[&self.fx.root, &self.pristine]);
        assert_eq!(
            before, after,
            "grading changed the submission or the pristine copy"
        );
        let reports = Tree::of(&[&self.reports]);
        std::thread::sleep(AFTERMATH);
        assert_eq!(
            Tree::of(&[&self.fx.root, &self.pristine, &self.reports])
                .0
                .len(),
            after.0.len() + reports.0.len(),
            "files appeared after grading"
        );
        assert_eq!(
            Tree::of(&[&self.reports]),
            reports,
            "the reports changed after grading ended"
        );
        assert_eq!(
            Tree::of(&[&self.fx.root, &self.pristine]),
            after,
            "files changed after grading ended"
        );
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap())
            .unwrap_or_else(|e| panic!("{e}: {}", out.text));
        let terminal = std::fs::read_to_string(&terminal).unwrap();
        Graded {
            out,
            json,
            terminal,
        }
    }
}

impl Graded {
    fn lab(&self) -> &Value {
        &self.json["labs"][0]
    }

    fn test(&self, name: &str) -> &Value {
        self.lab()["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|ex| ex["tests"].as_array().unwrap())
            .find(|t| t["name"] == format!("guarded::{name}"))
            .unwrap_or_else(|| panic!("no test {name} in {:#}", self.json))
    }

    fn incidents(&self) -> String {
        serde_json::to_string(&self.json["incidents"]).unwrap()
    }

    /// The sandbox as the report names it, and whether the report says what it should about
    /// the user the tests ran as.
    fn assert_sandbox_named(&self, isolated: bool) {
        let sandbox = &self.json["sandbox"];
        let mechanism = sandbox["mechanism"].as_str().unwrap();
        assert!(mechanism.contains("subreaper"), "{mechanism}");
        assert!(self.terminal.contains("Sandbox: "), "{}", self.terminal);
        assert_eq!(sandbox["isolated"], isolated, "{sandbox:#}");
        if isolated {
            assert!(mechanism.contains("fresh unprivileged user"), "{mechanism}");
            assert_eq!(self.json["advisory"].as_array().unwrap().len(), 0);
        } else {
            let advisory = self.json["advisory"].to_string();
            assert!(advisory.contains("own user"), "{advisory}");
            assert!(self.terminal.contains("ADVISORY: "), "{}", self.terminal);
        }
    }
}

fn exercise_score(graded: &Graded, id: &str) -> u64 {
    graded.lab()["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ex| ex["id"] == id)
        .unwrap()["score"]
        .as_u64()
        .unwrap()
}

#[test]
fn attack_1_a_daemon_cannot_outlive_its_test() {
    let attack = Attack::new("attack-daemon", "daemon.rs");
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    graded.assert_sandbox_named(isolated());
    assert_eq!(exercise_score(&graded, "2.1"), 0, "the attacked exercise");
    assert_eq!(
        graded.json["score"], 2,
        "the daemon did not rewrite the report"
    );
    let incidents = graded.incidents();
    assert!(
        incidents.contains("guarded::adds") && incidents.contains("as a daemon does"),
        "the daemon is not named: {incidents}"
    );
    assert!(
        graded
            .terminal
            .contains("NOTE  02-guarded guarded::adds: left")
    );
    assert_eq!(
        running_with("cargo-lab-attack-daemon"),
        Vec::<String>::new()
    );
}

#[test]
fn attack_1_on_the_advisory_path_daemons_die_too() {
    // As on a machine without root: the tests run as the grader's own user, and the report says
    // the grade is advisory; the supervisor still kills what left the test's session.
    let attack = Attack::new("attack-daemon-advisory", "daemon.rs");
    let graded = attack.grade(
        Path::new(env!("CARGO_BIN_EXE_workbook")),
        &[("CARGO_LAB_SANDBOX", "same-user")],
        &[],
    );
    graded.assert_sandbox_named(false);
    assert_eq!(graded.json["score"], 2);
    assert!(graded.incidents().contains("as a daemon does"));
    assert_eq!(
        running_with("cargo-lab-attack-daemon"),
        Vec::<String>::new()
    );
}

#[test]
fn attack_1_without_root_the_supervisor_kills_setsid_daemons() {
    // The supervisor itself, run by an unprivileged user (nobody, when we are root): a test
    // that leaves a daemon in a session of its own.
    let dir = std::env::temp_dir().join(format!("cargo-lab-nonroot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tool = dir.join("workbook");
    std::fs::copy(env!("CARGO_BIN_EXE_workbook"), &tool).unwrap();
    for d in [&dir, &tool] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let job = serde_json::json!({
        "program": "/bin/sh",
        "args": ["-c", "setsid sh -c 'sleep 300; :' cargo-lab-nonroot-daemon & sleep 0.3"],
        "cwd": "/",
        "env": [["PATH", "/usr/bin:/bin"]],
        "limit_ms": 20000,
        "rlimits": {"memory": 1u64 << 32, "processes": 100000, "file_size": 1u64 << 30, "cpu_secs": 60},
        "user": null,
        "cgroup": null,
        "private_network": false
    })
    .to_string();
    let run = "\"$0\" __cargo-lab-supervise \"$1\" 3>&1 >/dev/null 2>&1";
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(run).arg(&tool).arg(&job);
    if is_root() {
        // As nobody, as a grader without root would run.
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("cannot run sh");
    let _ = std::fs::remove_dir_all(&dir);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(report["error"], Value::Null, "{report}");
    let leftovers = report["leftovers"].as_array().unwrap();
    assert!(
        leftovers.iter().any(|l| l["own_session"] == true),
        "the daemon was not found: {report}"
    );
    assert_eq!(report["unkilled"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(
        running_with("cargo-lab-nonroot-daemon"),
        Vec::<String>::new()
    );
}

#[test]
fn attack_2_tests_cannot_write_the_workspace_the_binaries_or_the_tool() {
    let attack = Attack::new("attack-writer", "writer.rs");
    let tool = tool_copy("attack-writer");
    let tool_before = std::fs::read(&tool).unwrap();
    let graded = attack.grade(&tool, &[], &[]);
    graded.assert_sandbox_named(isolated());
    assert_eq!(graded.json["score"], 0);
    assert!(
        graded.lab()["zeroed"].as_str().unwrap().contains("std::fs"),
        "{:#}",
        graded.lab()
    );
    if isolated() {
        // Nothing was writable by the tests' user: the test says what it managed to change.
        let output = graded.test("adds")["output"].as_str().unwrap();
        assert!(
            output.contains("cargo-lab-attack-writer: changed []"),
            "{output}"
        );
        assert_eq!(graded.json["void"], Value::Null);
        assert_eq!(std::fs::read(&tool).unwrap(), tool_before);
    } else {
        assert_advisory_writes_are_caught(&graded);
    }
}

#[test]
fn attack_2_on_the_advisory_path_every_change_is_caught() {
    let attack = Attack::new("attack-writer-advisory", "writer.rs");
    let tool = tool_copy("attack-writer-advisory");
    let graded = attack.grade(&tool, &[("CARGO_LAB_SANDBOX", "same-user")], &[]);
    graded.assert_sandbox_named(false);
    assert_advisory_writes_are_caught(&graded);
}

/// Tests running as the grader's user could write: the grade must be void, naming what changed.
fn assert_advisory_writes_are_caught(graded: &Graded) {
    assert_eq!(graded.json["score"], 0);
    let void = graded.json["void"].as_str().expect("the grade is void");
    for changed in ["test binary", "grading tool", "grading copy"] {
        assert!(void.contains(changed), "{changed} not named: {void}");
    }
    assert!(graded.terminal.contains("VOID: "), "{}", graded.terminal);
}

#[test]
fn attack_3_a_forged_verdict_zeroes_the_lab_with_the_calls_named() {
    let attack = Attack::new("attack-forge", "forge_args.rs");
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    // The forgery works inside the process: no run-time check can tell it from a pass ...
    assert_eq!(graded.test("adds")["status"], "passed");
    // ... which is why the review of src/ zeroes the lab, naming every call and the hiding.
    assert_eq!(graded.json["score"], 0);
    let review = serde_json::to_string(&graded.lab()["review"]).unwrap();
    for what in [
        "std::env::args",
        "std::process::exit",
        "std::fs::write",
        "cfg(clippy)",
    ] {
        assert!(review.contains(what), "{what} not flagged: {review}");
    }
    assert!(
        graded
            .terminal
            .contains("DISALLOWED  labs/02-guarded/src/lib.rs:")
    );
    assert!(
        graded.lab()["zeroed"]
            .as_str()
            .unwrap()
            .contains("on_disallowed")
    );

    // With the "review" policy the score stands, flagged for a person.
    attack.fx.edit(
        "labs/02-guarded/lab.toml",
        "on_disallowed = \"zero\"",
        "on_disallowed = \"review\"",
    );
    let pristine = Fixture::at(attack.pristine.clone());
    pristine.edit(
        "labs/02-guarded/lab.toml",
        "on_disallowed = \"zero\"",
        "on_disallowed = \"review\"",
    );
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    assert_eq!(
        graded.json["score"], 2,
        "adds and double forged, triple wrong"
    );
    assert_eq!(graded.json["needs_review"], true);
    assert!(
        graded
            .terminal
            .contains("NEEDS REVIEW  labs/02-guarded/src/lib.rs:")
    );
}

#[test]
fn attack_3_code_before_main_does_not_compile() {
    let attack = Attack::new("attack-ctor", "forge_ctor.rs");
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    assert_eq!(graded.json["score"], 0);
    let why = graded.lab()["not_graded"].as_str().unwrap();
    assert!(
        why.contains("do not compile") && why.contains("link_section"),
        "{why}"
    );
}

#[test]
fn attack_4_build_configuration_in_the_submission_is_never_read() {
    let attack = Attack::new("attack-config", "daemon.rs");
    // The untouched starter, and Cargo configuration wherever Cargo might have read it.
    std::fs::copy(
        attack.pristine.join("labs/02-guarded/src/lib.rs"),
        attack.fx.root.join("labs/02-guarded/src/lib.rs"),
    )
    .unwrap();
    let marker = attack
        .reports
        .parent()
        .unwrap()
        .join("attack-config-wrapper-ran");
    let _ = std::fs::remove_file(&marker);
    let wrapper = attack.fx.root.join("wrapper.sh");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\ntouch '{}'\nexec \"$@\"\n", marker.display()),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = format!("[build]\nrustc-wrapper = \"{}\"\n", wrapper.display());
    for dir in ["target/.cargo", "labs/.cargo", "labs/02-guarded/src/.cargo"] {
        std::fs::create_dir_all(attack.fx.root.join(dir)).unwrap();
        attack.fx.write(&format!("{dir}/config.toml"), &config);
    }
    for extra in [&[][..], &["--on-tamper", "restore"][..]] {
        let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], extra);
        assert!(!marker.exists(), "the submission's rustc-wrapper ran");
        assert_eq!(graded.json["score"], 0, "the starter scores nothing");
        let ignored = serde_json::to_string(&graded.json["ignored"]).unwrap();
        for dir in ["target/.cargo", "labs/.cargo", "labs/02-guarded/src/.cargo"] {
            assert!(
                ignored.contains(dir),
                "{dir} not named as ignored: {ignored}"
            );
        }
        assert!(graded.terminal.contains("IGNORED  target/.cargo"));
    }
}

#[test]
fn attack_5_gradescope_run_autograder_cannot_be_extended() {
    // Gradescope's layout in a folder of its own: /autograder/{source,submission,results} and
    // run_autograder, and the grader installed outside them as setup.sh installs it.
    let attack = Attack::new("attack-gradescope", "gradescope.rs");
    let root = Fixture::scratch("attack-gradescope-layout");
    let ag = root.join("autograder");
    let home = root.join("cargo-lab");
    for dir in [ag.join("results"), home.join("bin"), home.join("work")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    copy_tree(&attack.pristine, &ag.join("source"));
    copy_tree(&attack.pristine, &home.join("pristine"));
    copy_tree(&attack.fx.root, &ag.join("submission"));
    std::fs::copy(tool_copy("attack-gradescope"), home.join("bin/cargo-lab")).unwrap();
    let script = ag.join("run_autograder");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("grading/gradescope/run_autograder"),
        &script,
    )
    .unwrap();
    let results = ag.join("results/results.json");
    for env in [&[][..], &[("CARGO_LAB_SANDBOX", "same-user")][..]] {
        let _ = std::fs::remove_file(&results);
        let before = std::fs::read(&script).unwrap();
        let target = attack.target();
        let out = std::process::Command::new("bash")
            .arg(&script)
            .env("AUTOGRADER_ROOT", &ag)
            .env("CARGO_LAB_HOME", &home)
            .env("CARGO_TARGET_DIR", &target)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{log}");
        let text = std::fs::read_to_string(&results).unwrap_or_else(|e| panic!("{e}: {log}"));
        std::thread::sleep(AFTERMATH);
        assert_eq!(
            std::fs::read_to_string(&results).unwrap(),
            text,
            "results.json changed"
        );
        let json: Value = serde_json::from_str(&text).unwrap();
        assert!(!text.contains("forged"), "{text}");
        // Lab 01-behave's starter is correct code (10 points); lab 02-guarded's attack scores 0.
        assert_eq!(json["score"], 10, "{text}");
        for test in json["tests"].as_array().unwrap() {
            if test["name"].as_str().unwrap().starts_with("guarded") {
                assert_eq!(test["score"], 0, "{test}");
            }
        }
        assert!(
            json["output"].as_str().unwrap().contains("Sandbox: "),
            "{text}"
        );
        let after = std::fs::read(&script).unwrap();
        if env.is_empty() && isolated() {
            assert_eq!(after, before, "the tests' user appended to run_autograder");
        } else {
            // The tests could write it: the line they appended was never run.
            assert!(
                after.len() > before.len(),
                "the attack did not even append:\n{log}"
            );
            std::fs::write(&script, &before).unwrap();
        }
    }
}

#[test]
fn attack_6_tests_see_no_secret_and_no_solution() {
    // A maintainer grades in their own clone, with solutions/, under `cargo run` (which sets
    // CARGO_MANIFEST_DIR) in a CI job with GITHUB_* files and a secret in the environment.
    let fx = Fixture::copy_of("grading", "attack-secrets");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/grading/submissions/guarded/secrets.rs"),
        fx.root.join("labs/02-guarded/src/lib.rs"),
    )
    .unwrap();
    let files = Fixture::scratch("attack-secrets-github");
    std::fs::create_dir_all(&files).unwrap();
    let summary = files.join("step_summary.md");
    std::fs::write(&summary, "").unwrap();
    let root = fx.root.to_str().unwrap().to_string();
    let summary_path = summary.to_str().unwrap().to_string();
    let env = [
        ("CARGO_MANIFEST_DIR", root.as_str()),
        ("GITHUB_STEP_SUMMARY", summary_path.as_str()),
        ("GITHUB_ENV", summary_path.as_str()),
        ("GITHUB_OUTPUT", summary_path.as_str()),
        ("CARGO_LAB_FAKE_SECRET", "hunter2"),
    ];
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixture-targets")
        .join("attack-secrets");
    // A server of "the attacker's" on this machine's loopback: as root, the tests have a network
    // of their own and cannot reach it (nor anything beyond the machine).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let out = fx.run_tool(
        Path::new(env!("CARGO_BIN_EXE_workbook")),
        &target,
        &env,
        &["grade", "guarded", "--format", "json"],
    );
    assert!(out.success, "{}", out.text);
    let mut received = String::new();
    while let Ok((mut stream, _)) = listener.accept() {
        use std::io::Read;
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let _ = stream.read_to_string(&mut received);
    }
    if isolated() {
        assert_eq!(received, "", "a test reached a server outside its network");
        assert!(out.text.contains("loopback only"), "{}", out.text);
    }
    // Whatever got out, no secret was in it.
    assert!(
        !received.contains("hunter2") && !received.contains("GITHUB"),
        "{received}"
    );
    assert!(
        !out.text.contains("SOLUTION-MARKER"),
        "the solution leaked:\n{}",
        out.text
    );
    assert!(
        !out.text.contains("hunter2"),
        "the secret leaked:\n{}",
        out.text
    );
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        "",
        "the job summary was written"
    );
    let json = &out.text[out.text.find('{').expect("no JSON")..];
    let report: Value = serde_json::from_str(&json[..=json.rfind('}').unwrap()]).unwrap();
    let printed = report["labs"][0]["exercises"][0]["tests"][0]["output"]
        .as_str()
        .unwrap();
    let names: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cargo-lab-attack-env "))
        .filter_map(|l| l.split('=').next())
        .collect();
    assert!(
        !names.is_empty(),
        "the test printed no environment:\n{printed}"
    );
    for name in &names {
        assert!(
            ["PATH", "HOME", "TMPDIR", "LANG", "RUST_BACKTRACE"].contains(name),
            "the test saw {name}:\n{}",
            out.text
        );
    }
    assert!(
        report["labs"][0]["zeroed"]
            .as_str()
            .unwrap()
            .starts_with("disallowed in src/"),
        "{report:#}"
    );
}

#[test]
fn attack_7_escape_sequences_are_shown_not_interpreted() {
    let attack = Attack::new("attack-escapes", "escapes.rs");
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    assert_eq!(exercise_score(&graded, "2.1"), 0);
    for text in [&graded.terminal, &graded.out.text] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{9b}'),
            "a control character reached the terminal: {text:?}"
        );
    }
    assert!(graded.terminal.contains("\\x1b[2K"), "{}", graded.terminal);
    let scores: Vec<&str> = graded
        .terminal
        .lines()
        .filter(|l| l.starts_with("Score:"))
        .collect();
    assert_eq!(scores, ["Score: 2/3 (67%)"], "{}", graded.terminal);
}

#[test]
fn a_batch_of_three_submissions_grades_into_one_csv() {
    let (base, pristine) = released("batch");
    let subs = Fixture::scratch("batch-submissions");
    let guarded = |fx: &Path, file: &str| {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/grading/submissions/guarded")
                .join(file),
            fx.join("labs/02-guarded/src/lib.rs"),
        )
        .unwrap();
    };
    copy_tree(&base.root, &subs.join("alice"));
    guarded(&subs.join("alice"), "correct.rs");
    // Bob hands in the starter, unzipped into a folder of its own.
    copy_tree(&base.root, &subs.join("bob").join("concurrency-2027"));
    copy_tree(&base.root, &subs.join("carol"));
    guarded(&subs.join("carol"), "correct.rs");
    Fixture::at(subs.join("carol")).edit(
        "labs/02-guarded/tests/guarded.rs",
        "assert_eq!(add(2, 3), 5);",
        "",
    );
    let out_dir = Fixture::scratch("batch-out");
    let out = base.lab(&[
        "grade",
        "guarded",
        "--batch",
        subs.to_str().unwrap(),
        "--pristine",
        pristine.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.success, "{}", out.text);
    let csv = std::fs::read_to_string(out_dir.join("gradebook.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[0].starts_with("student,score,max_score,percent,guarded,standing,notes"),
        "{csv}"
    );
    let standing = if isolated() { "counts" } else { "advisory" };
    assert!(
        rows[1].starts_with(&format!("alice,3,3,100.0,3,{standing}")),
        "{csv}"
    );
    assert!(rows[2].starts_with("bob,0,3,0.0,0,"), "{csv}");
    assert!(rows[3].starts_with("carol,0,3,0.0,0,"), "{csv}");
    assert!(rows[3].contains("protected files changed"), "{csv}");
    for student in ["alice", "bob", "carol"] {
        for report in ["grade.json", "grade.md"] {
            assert!(
                out_dir.join(student).join(report).is_file(),
                "{student}/{report}"
            );
        }
    }
}

#[test]
fn limits_bound_memory_threads_and_file_size() {
    let attack = Attack::new("limits", "limits.rs");
    let graded = attack.grade(Path::new(env!("CARGO_BIN_EXE_workbook")), &[], &[]);
    let (adds, doubles, triples) = (
        graded.test("adds"),
        graded.test("doubles"),
        graded.test("triples"),
    );
    assert_eq!(adds["status"], "crashed", "{adds:#}");
    // RLIMIT_NPROC binds every user but root: as root, only a uid of the tests' own has it.
    if isolated() || !is_root() {
        assert_eq!(doubles["status"], "failed", "{doubles:#}");
        assert!(
            doubles["reason"].as_str().unwrap().contains("spawn"),
            "{doubles:#}"
        );
    }
    assert_eq!(triples["status"], "crashed", "{triples:#}");
    assert!(
        triples["reason"].as_str().unwrap().contains("SIGXFSZ"),
        "{triples:#}"
    );
    assert_eq!(graded.lab()["limits"]["memory_mb"], 256);
}
