//! The lab manifest, `labs/NN-topic/lab.toml`.
//!
//! The schema is documented for authors in `book/appendix-lab-manifest.md`. Parsing is strict
//! (unknown fields are errors, so a typo never silently drops a test from grading), and
//! [`Manifest::load`] checks everything that can be checked without building the lab. Whether the
//! listed tests exist is checked later, against the compiled test binaries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The per-test time limit when `lab.toml` sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// One lab's `lab.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable identifier used by `cargo lab` and in grade reports; never the folder name.
    pub id: String,
    pub title: String,
    /// The chapter that teaches the lab, relative to `book/`.
    pub chapter: PathBuf,
    /// The default per-test time limit, in seconds.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    #[serde(rename = "exercise", default)]
    pub exercises: Vec<Exercise>,
    /// Per-test time limits, in seconds, keyed by test name.
    #[serde(default)]
    pub timeouts: BTreeMap<String, u64>,
    /// How the grader treats this lab: resource limits, and the review of `src/`.
    #[serde(default)]
    pub grading: Grading,
    /// Generated mutants that no test can reject because they do not change what the code does,
    /// each with the reason (see `cargo lab mutate`).
    #[serde(rename = "equivalent", default)]
    pub equivalents: Vec<Equivalent>,
}

/// A generated mutant that is equivalent to the solution, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalent {
    /// The mutant's name as `cargo lab mutate` prints it.
    pub mutant: String,
    /// Why no test can tell it from the solution, in a line a reviewer can check.
    pub reason: String,
}

/// `[grading]`: optional settings of `cargo lab grade` for one lab.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    /// Memory per test process (and per test, where a cgroup limits it), in MiB.
    pub memory_mb: Option<u64>,
    /// Processes and threads a test may have at once.
    pub processes: Option<u64>,
    /// The largest file a test may write, in MiB.
    pub file_size_mb: Option<u64>,
    /// CPU seconds per test process.
    pub cpu_secs: Option<u64>,
    /// What a disallowed call in the student's `src/` does to the lab's score.
    #[serde(default)]
    pub on_disallowed: OnDisallowed,
    /// Calls this lab's exercises need, taken off the grader's list (`std::process::Command::new`,
    /// `std::fs::write`; a macro with its `!`: `std::env!`).
    #[serde(default)]
    pub allow: Vec<String>,
    /// More calls to flag in this lab, written the same way.
    #[serde(default)]
    pub disallow: Vec<String>,
}

/// What a disallowed call in `src/` does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnDisallowed {
    /// The lab scores zero, with each call named by file and line.
    #[default]
    Zero,
    /// The score stands; the lab is flagged "needs review", with each call named.
    Review,
}

/// One graded exercise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// "<lab number>.<n>", as the chapter and the `todo!()` messages name it.
    pub id: String,
    pub name: String,
    pub points: u32,
    /// Tests run as plain `cargo test`, named `<test target>::<test name>`.
    #[serde(default)]
    pub tests: Vec<TestName>,
    /// Tests run with `--release --features loom`.
    #[serde(default)]
    pub loom_tests: Vec<TestName>,
}

/// A graded test: the integration-test target (the file `tests/<target>.rs`) and the test's name
/// as libtest prints it. Written `target::name` in `lab.toml`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct TestName {
    pub target: String,
    pub name: String,
}

impl TryFrom<String> for TestName {
    type Error = String;

    fn try_from(full: String) -> Result<Self, Self::Error> {
        match full.split_once("::") {
            Some((target, name)) if !target.is_empty() && !name.is_empty() => Ok(TestName {
                target: target.to_string(),
                name: name.to_string(),
            }),
            _ => Err(format!(
                "test `{full}` must be written `<test target>::<test name>`, \
                 for example `threads::join_returns_value` for fn join_returns_value in tests/threads.rs"
            )),
        }
    }
}

impl std::fmt::Display for TestName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{}", self.target, self.name)
    }
}

/// How a graded test is built and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// `cargo test`, debug profile.
    Plain,
    /// `cargo test --release --features loom`.
    Loom,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Plain => "tests",
            Mode::Loom => "loom tests",
        }
    }
}

/// A graded test with everything needed to run and score it.
#[derive(Debug, Clone)]
pub struct GradedTest {
    pub test: TestName,
    pub mode: Mode,
    pub exercise: String,
    pub timeout: Duration,
}

impl Manifest {
    /// Reads and checks `path`. Errors name the file and the field at fault.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Manifest::from_text(&text, path)
    }

    /// Parses and checks `text`, the contents of the file `path`.
    pub fn from_text(text: &str, path: &Path) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)
            .with_context(|| format!("{}: malformed lab manifest", path.display()))?;
        manifest
            .check()
            .with_context(|| format!("{}: inconsistent lab manifest", path.display()))?;
        Ok(manifest)
    }

    /// The checks that need nothing but the manifest itself.
    fn check(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            bail!("field `id` is empty");
        }
        if !self
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!(
                "field `id` = {:?} may hold only letters, digits, `-` and `_`",
                self.id
            );
        }
        if self.title.trim().is_empty() {
            bail!("field `title` is empty");
        }
        if self.chapter.as_os_str().is_empty() {
            bail!("field `chapter` is empty");
        }
        if self.timeout_secs == Some(0) {
            bail!("field `timeout_secs` must be at least 1");
        }
        if self.exercises.is_empty() {
            bail!("the lab has no `[[exercise]]`");
        }
        let mut ids = BTreeSet::new();
        let mut owner: BTreeMap<&TestName, &str> = BTreeMap::new();
        for (i, ex) in self.exercises.iter().enumerate() {
            let at = format!("exercise[{i}] (id {:?})", ex.id);
            if ex.id.trim().is_empty() {
                bail!("{at}: field `id` is empty");
            }
            if !ids.insert(ex.id.as_str()) {
                bail!("{at}: duplicate exercise id {:?}", ex.id);
            }
            if ex.name.trim().is_empty() {
                bail!("{at}: field `name` is empty");
            }
            if ex.points == 0 {
                bail!("{at}: field `points` must be at least 1");
            }
            if ex.tests.is_empty() && ex.loom_tests.is_empty() {
                bail!("{at}: no `tests` or `loom_tests`: every exercise needs a graded test");
            }
            for test in ex.tests.iter().chain(&ex.loom_tests) {
                if let Some(other) = owner.insert(test, &ex.id) {
                    bail!("{at}: test `{test}` is already graded by exercise {other:?}");
                }
            }
        }
        self.check_grading().context("table `[grading]`")?;
        let mut seen = BTreeSet::new();
        for (i, eq) in self.equivalents.iter().enumerate() {
            if eq.mutant.trim().is_empty() || eq.reason.trim().is_empty() {
                bail!("equivalent[{i}]: both `mutant` and `reason` must be given");
            }
            if !seen.insert(eq.mutant.as_str()) {
                bail!("equivalent[{i}]: {:?} is listed twice", eq.mutant);
            }
        }
        for (name, secs) in &self.timeouts {
            let test = TestName::try_from(name.clone()).map_err(anyhow::Error::msg)?;
            if !owner.contains_key(&test) {
                bail!("field `timeouts`: `{name}` is not a graded test of this lab");
            }
            if *secs == 0 {
                bail!("field `timeouts`: `{name}` must be at least 1 second");
            }
        }
        Ok(())
    }

    fn check_grading(&self) -> Result<()> {
        let g = &self.grading;
        for (field, value) in [
            ("memory_mb", g.memory_mb),
            ("processes", g.processes),
            ("file_size_mb", g.file_size_mb),
            ("cpu_secs", g.cpu_secs),
        ] {
            if value == Some(0) {
                bail!("field `{field}` must be at least 1");
            }
        }
        if g.memory_mb.is_some_and(|m| m < 64) {
            bail!("field `memory_mb` must be at least 64: a test binary needs that much to start");
        }
        for (field, paths) in [("allow", &g.allow), ("disallow", &g.disallow)] {
            for path in paths {
                let bare = path.strip_suffix('!').unwrap_or(path);
                let valid = bare.split("::").count() >= 2
                    && bare.split("::").all(|part| {
                        !part.is_empty()
                            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                if !valid {
                    bail!(
                        "field `{field}`: {path:?} is not a path such as \"std::fs::write\" (or \"std::env!\" for a macro)"
                    );
                }
            }
        }
        Ok(())
    }

    /// Every graded test, in manifest order.
    pub fn graded_tests(&self) -> Vec<GradedTest> {
        let default = self.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
        let mut all = Vec::new();
        for ex in &self.exercises {
            let plain = ex.tests.iter().map(|t| (t, Mode::Plain));
            let loom = ex.loom_tests.iter().map(|t| (t, Mode::Loom));
            for (test, mode) in plain.chain(loom) {
                let secs = self
                    .timeouts
                    .get(&test.to_string())
                    .copied()
                    .unwrap_or(default);
                all.push(GradedTest {
                    test: test.clone(),
                    mode,
                    exercise: ex.id.clone(),
                    timeout: Duration::from_secs(secs),
                });
            }
        }
        all
    }

    pub fn has_loom_tests(&self) -> bool {
        self.exercises.iter().any(|ex| !ex.loom_tests.is_empty())
    }

    pub fn total_points(&self) -> u32 {
        self.exercises.iter().map(|ex| ex.points).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest> {
        let m: Manifest = toml::from_str(text)?;
        m.check()?;
        Ok(m)
    }

    const GOOD: &str = r#"
        id = "threads"
        title = "Threads"
        chapter = "01-threads.md"
        [[exercise]]
        id = "1.1"
        name = "Join"
        points = 2
        tests = ["threads::join_returns_value"]
    "#;

    #[test]
    fn a_good_manifest_parses() {
        let m = parse(GOOD).unwrap();
        let tests = m.graded_tests();
        assert_eq!(tests.len(), 1);
        assert_eq!(tests[0].test.target, "threads");
        assert_eq!(tests[0].test.name, "join_returns_value");
        assert_eq!(tests[0].timeout, Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        assert_eq!(m.grading, Grading::default());
        assert_eq!(m.grading.on_disallowed, OnDisallowed::Zero);
    }

    #[test]
    fn grading_settings_parse() {
        let m = parse(&format!(
            "{GOOD}\n[grading]\nmemory_mb = 512\non_disallowed = \"review\"\nallow = [\"std::process::Command::new\", \"std::env!\"]"
        ))
        .unwrap();
        assert_eq!(m.grading.memory_mb, Some(512));
        assert_eq!(m.grading.on_disallowed, OnDisallowed::Review);
        assert_eq!(m.grading.allow.len(), 2);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (GOOD.replace("points = 2", "points = 0"), "`points`"),
            (
                GOOD.replace("threads::join_returns_value", "join_returns_value"),
                "<test target>::<test name>",
            ),
            (
                GOOD.replace("name = \"Join\"", "name = \"Join\"\npoint = 1"),
                "unknown field `point`",
            ),
            (
                format!(
                    "{GOOD}\n[[exercise]]\nid = \"1.1\"\nname = \"x\"\npoints = 1\ntests = [\"a::b\"]"
                ),
                "duplicate exercise id",
            ),
            (
                format!(
                    "{GOOD}\n[[exercise]]\nid = \"1.2\"\nname = \"x\"\npoints = 1\ntests = [\"threads::join_returns_value\"]"
                ),
                "already graded",
            ),
            (
                format!("{GOOD}\n[[exercise]]\nid = \"1.2\"\nname = \"x\"\npoints = 1"),
                "needs a graded test",
            ),
            (
                format!("{GOOD}\n[timeouts]\n\"a::b\" = 3"),
                "not a graded test",
            ),
            (
                format!("{GOOD}\n[grading]\nprocesses = 0"),
                "`processes` must be at least 1",
            ),
            (
                format!("{GOOD}\n[grading]\nallow = [\"exit\"]"),
                "is not a path",
            ),
            (
                format!("{GOOD}\n[grading]\non_disallowed = \"ignore\""),
                "unknown variant",
            ),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", parse(&text).unwrap_err());
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        }
    }
}
