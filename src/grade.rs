//! `cargo lab grade`: scores a submission from `lab.toml`, robust against code that hangs,
//! crashes or tries to game the grader (DESIGN.md, "Grading"; issue 12).
//!
//! The submission is never built in place, nor trusted beyond its labs' `src/`:
//!
//! 1. [`workspace`] puts together a grading copy in a folder of the grader's, outside the
//!    submission: the pristine tree (or the released files as recorded) plus the submission's
//!    `labs/*/src/**` regular files, and names what it ignored and what was tampered with;
//! 2. every lab's test binaries are built (plain, and loom in release) into the grader's target
//!    directory with a clean Cargo environment, and [`review`] checks the student's `src/`;
//! 3. only then does any test run: each in its own process in the submission's
//!    [sandbox](crate::sandbox), after its test binary's SHA-256 is checked against the build;
//! 4. when the last test is over and everything it started is gone, the grader checks that the
//!    tool, the test binaries, the grading copy and the build cache are as they were, and only
//!    then are reports written, by the caller ([`write_report`]).
//!
//! A lab whose protected files were changed scores zero, with the files named; anything that
//! interfered with grading itself voids the whole grade.

mod batch;
mod gradescope;
mod junit;
mod markdown;
mod review;
mod terminal;
mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde::Serialize;

pub use self::batch::{GRADEBOOK, run as run_batch};
use self::review::{Hit, Review, Subject};
use self::workspace::{GradingCopy, Ignored};
use crate::cargo::Cargo;
use crate::integrity::Tampering;
use crate::manifest::{Grading, Manifest, Mode, OnDisallowed};
use crate::runner::{Runner, Verdict};
use crate::sandbox::{self, Limits, Sandbox, Summary};
use crate::suite::Suite;
use crate::workbook::{Lab, Workbook};

/// How much of a failing test's output a report keeps.
const REPORT_OUTPUT_CAP: usize = 4 * 1024;

/// The report formats `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    Terminal,
    /// Everything, for scripts.
    Json,
    /// JUnit XML, for GitLab, Jenkins and GitHub test reporters.
    Junit,
    /// Gradescope's results.json.
    Gradescope,
    /// A Markdown table, for a CI job summary.
    Markdown,
}

impl Format {
    /// The file name a batch gives each student's report in this format.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Terminal => "grade.txt",
            Format::Json => "grade.json",
            Format::Junit => "junit.xml",
            Format::Gradescope => "results.json",
            Format::Markdown => "grade.md",
        }
    }
}

/// What happens to a lab whose protected files were changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnTamper {
    /// The lab scores zero, with the files named.
    Zero,
    /// With --pristine: grade against the restored files, and still name the changed ones.
    Restore,
}

/// Where the protected files' true contents come from, and where the grader works.
pub struct Integrity {
    pub pristine: Option<PathBuf>,
    pub on_tamper: OnTamper,
    /// The grader's own folder for grading copies and scratch folders (`--work-dir`).
    pub work_dir: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub score: u32,
    pub max_score: u32,
    /// How the protected files were checked, in one sentence.
    pub integrity: String,
    /// How the tests were isolated.
    pub sandbox: Summary,
    /// Why this grade is only advisory, when it is (each reason in a sentence).
    pub advisory: Vec<String>,
    /// Why the whole grade is void (zero), when something interfered with grading itself.
    pub void: Option<String>,
    /// Whether a lab is flagged for a person to look at (a disallowed call under the "review"
    /// policy, an incomplete review).
    pub needs_review: bool,
    /// What happened during grading that a person should know: processes left behind, files
    /// left in shared folders, binaries changed.
    pub incidents: Vec<Incident>,
    /// What in the submission the grader did not use, where it matters.
    pub ignored: Vec<Ignored>,
    pub labs: Vec<LabReport>,
}

/// Something that happened during grading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// The lab, by folder, when it was one lab's.
    pub lab: Option<String>,
    /// The test (`target::name`) that did it, when one did.
    pub test: Option<String>,
    pub what: String,
    /// It voids the grade.
    pub voids: bool,
}

impl std::fmt::Display for Incident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.lab, &self.test) {
            (Some(lab), Some(test)) => write!(f, "{lab} {test}: {}", self.what),
            (Some(lab), None) => write!(f, "{lab}: {}", self.what),
            _ => write!(f, "{}", self.what),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LabReport {
    pub id: String,
    pub folder: String,
    pub title: String,
    pub score: u32,
    pub max_score: u32,
    pub tampering: Vec<Tampering>,
    /// Why nothing was run, when nothing was (tampering, a build that failed).
    pub not_graded: Option<String>,
    /// Why the lab scores zero although its tests ran (disallowed calls, policy "zero").
    pub zeroed: Option<String>,
    /// Disallowed calls and hidden code found in the student's `src/`.
    pub review: Vec<Hit>,
    /// Why the review of `src/` was incomplete, when it was.
    pub review_incomplete: Option<String>,
    /// What a disallowed call does in this lab.
    pub on_disallowed: OnDisallowed,
    /// A person should look at this lab before the grade counts.
    pub needs_review: bool,
    /// The resource limits its tests ran with.
    pub limits: Limits,
    pub exercises: Vec<ExerciseReport>,
}

#[derive(Debug, Serialize)]
pub struct ExerciseReport {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub max_score: u32,
    pub tests: Vec<TestReport>,
}

#[derive(Debug, Serialize)]
pub struct TestReport {
    /// `target::name`.
    pub name: String,
    pub loom: bool,
    pub status: Status,
    /// Why it did not pass, in one line; empty when it passed.
    pub reason: String,
    pub seconds: f64,
    /// The end of what a failing test printed.
    pub output: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    TimedOut,
    Crashed,
    /// The process ended without the harness recording a result.
    NoResult,
    /// Not run: the lab did not build, or was not graded.
    NotRun,
}

impl Report {
    pub fn render(&self, format: Format) -> Result<String> {
        Ok(match format {
            Format::Terminal => terminal::render(self),
            Format::Json => serde_json::to_string_pretty(self)? + "\n",
            Format::Junit => junit::render(self)?,
            Format::Gradescope => gradescope::render(self)?,
            Format::Markdown => markdown::render(self),
        })
    }

    pub fn percent(&self) -> f64 {
        if self.max_score == 0 {
            100.0
        } else {
            100.0 * f64::from(self.score) / f64::from(self.max_score)
        }
    }

    /// The grade's standing in a few words: void, advisory, needs review, or counts.
    pub fn standing(&self) -> &'static str {
        if self.void.is_some() {
            "void"
        } else if self.needs_review {
            "needs review"
        } else if !self.advisory.is_empty() {
            "advisory"
        } else {
            "counts"
        }
    }
}

/// Where grading works, shared by every submission of a batch.
pub(crate) struct Setup {
    pub pristine: Option<PathBuf>,
    pub on_tamper: OnTamper,
    /// The grader's folder: grading copies, scratch folders, the review's configuration.
    pub work_dir: PathBuf,
    /// Where Cargo builds the grading copies.
    pub target_dir: PathBuf,
    /// This tool's binary, and its SHA-256 before anything was graded.
    tool: PathBuf,
    tool_hash: String,
}

impl Setup {
    pub fn new(integrity: &Integrity) -> Result<Setup> {
        // Cargo's output must be readable by the tests' user, whatever umask the grader has.
        // SAFETY: umask cannot fail.
        unsafe {
            libc::umask(0o022);
        }
        let pristine = match &integrity.pristine {
            Some(dir) => Some(
                dir.canonicalize()
                    .with_context(|| format!("--pristine {}: no such folder", dir.display()))?,
            ),
            None => None,
        };
        let tool = std::env::current_exe()
            .and_then(|p| p.canonicalize())
            .context("cannot find this tool's own binary")?;
        let tool_hash = crate::integrity::digest(&tool);
        let from_env = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|v| !v.is_empty())
            .map(|v| std::path::absolute(PathBuf::from(v)))
            .transpose()?;
        // The target directory the tool was built in (`<target>/<profile>/workbook`).
        let tool_target = tool
            .parent()
            .and_then(Path::parent)
            .filter(|t| t.join("CACHEDIR.TAG").is_file())
            .map(Path::to_path_buf);
        let fallback = || std::env::temp_dir().join(format!("cargo-lab-grading-{}", sandbox_uid()));
        let target_dir = from_env
            .or(tool_target)
            .unwrap_or_else(|| fallback().join("target"));
        let work_dir = match &integrity.work_dir {
            Some(dir) => std::path::absolute(dir)?,
            None => target_dir.join("lab-grading"),
        };
        ensure_own_dir(&work_dir)?;
        std::fs::create_dir_all(&target_dir)
            .with_context(|| format!("cannot create {}", target_dir.display()))?;
        Ok(Setup {
            pristine,
            on_tamper: integrity.on_tamper,
            work_dir: work_dir.canonicalize()?,
            target_dir: target_dir.canonicalize()?,
            tool,
            tool_hash,
        })
    }
}

/// Grades the labs named (all when none) of the submission at `submission`.
pub fn run(submission: &Path, names: &[String], integrity: &Integrity) -> Result<Report> {
    let setup = Setup::new(integrity)?;
    grade_one(&setup, submission, names)
}

/// One lab on its way through grading.
struct Pending<'a> {
    lab: &'a Lab,
    manifest: &'a Manifest,
    tampering: Vec<Tampering>,
    modes: Vec<Mode>,
    suite: Suite,
    runner: Runner,
}

/// Grades one submission with `setup`: see the module's documentation for the steps.
pub(crate) fn grade_one(setup: &Setup, submission: &Path, names: &[String]) -> Result<Report> {
    let submission = submission
        .canonicalize()
        .with_context(|| format!("no submission at {}", submission.display()))?;
    if !submission.join("Cargo.toml").is_file() || !submission.join("labs").is_dir() {
        bail!(
            "{} is not a workbook: expected a Cargo.toml and a labs/ folder there (use --root)",
            submission.display()
        );
    }
    // A student's repository grading itself runs the student's own tool: nothing in it can be
    // protected from the student, and its build folder is theirs.
    let self_grading = setup.tool.starts_with(&submission);
    for (what, path) in [
        ("the grader's work folder", &setup.work_dir),
        ("the build folder", &setup.target_dir),
    ] {
        if path.starts_with(&submission) && !self_grading {
            bail!(
                "{what} {} is inside the submission {}: Cargo would read configuration the \
                 student wrote there. Give --work-dir and CARGO_TARGET_DIR outside it",
                path.display(),
                submission.display()
            );
        }
    }
    if let Some(pristine) = &setup.pristine
        && pristine.starts_with(&submission)
    {
        bail!(
            "the pristine copy {} is inside the submission {}",
            pristine.display(),
            submission.display()
        );
    }
    let key = key_for(&submission);
    let copy_dir = setup.work_dir.join("copies").join(&key);
    let runs_dir = setup.work_dir.join("runs").join(&key);
    let review_dir = setup.work_dir.join("review").join(&key);
    std::fs::create_dir_all(setup.work_dir.join("copies"))?;

    eprintln!("grading {}: making the grading copy", submission.display());
    let copy = workspace::create(
        &submission,
        setup.pristine.as_deref(),
        &copy_dir,
        &workspace::version_for(&submission),
    )?;
    let sandbox = Arc::new(Sandbox::for_submission(
        &runs_dir,
        &Limits::default(),
        &[&setup.target_dir, &copy.root],
    )?);
    let mut advisory = Vec::new();
    if let Some(why) = &sandbox.summary().advisory {
        advisory.push(why.clone());
    }
    if self_grading {
        advisory.push(
            "the grading tool runs from the submission itself (a repository grading itself): \
             the student controls the grader, so this is feedback, not a grade"
                .into(),
        );
    }
    let book = if copy.buildable {
        Some(Workbook::open(&copy.root)?)
    } else {
        None
    };
    let entries = select(book.as_ref(), &copy, names)?;
    let cargo = Cargo::isolated(setup.target_dir.clone(), sandbox::env::for_cargo());
    if book.is_some() {
        check_cargo_config(&copy.root, &submission, self_grading)?;
    }
    let restored = setup.pristine.is_some() && setup.on_tamper == OnTamper::Restore;
    let mut incidents = Vec::new();

    // 1. Build every lab's tests before any test runs.
    let mut slots: Vec<Result<LabReport, usize>> = Vec::new();
    let mut pending: Vec<Pending<'_>> = Vec::new();
    for entry in &entries {
        let folder = entry.folder();
        let touching: Vec<Tampering> = copy
            .tampering
            .iter()
            .filter(|t| t.lab.as_deref().is_none_or(|f| f == folder))
            .cloned()
            .collect();
        let (lab, manifest) = match entry {
            Entry::LeftOut(left) => {
                slots.push(Ok(match &left.manifest {
                    Ok(m) => tampered(folder, m, touching),
                    Err(e) => unreadable(folder, touching, e),
                }));
                continue;
            }
            Entry::Copied(lab) => match lab.manifest() {
                Ok(m) => (*lab, m),
                Err(e) => {
                    // A student can break lab.toml too: that lab is not graded, the others are.
                    slots.push(Ok(unreadable(folder, touching, &format!("{e:#}"))));
                    continue;
                }
            },
        };
        if !touching.is_empty() && !restored {
            slots.push(Ok(tampered(folder, manifest, touching)));
            continue;
        }
        let mut modes = vec![Mode::Plain];
        if manifest.has_loom_tests() {
            modes.push(Mode::Loom);
        }
        eprintln!(
            "grading {}: building {} tests",
            lab.folder,
            manifest.graded_tests().len()
        );
        let runner = Runner::new(sandbox.clone(), limits_of(&manifest.grading));
        let lab_dir = copy.root.join("labs").join(&lab.folder);
        match Suite::build_with(
            Some(runner.clone()),
            &cargo,
            &copy.root,
            &lab.package,
            &lab_dir,
            &modes,
        )? {
            Ok(suite) => {
                slots.push(Err(pending.len()));
                pending.push(Pending {
                    lab,
                    manifest,
                    tampering: touching,
                    modes,
                    suite,
                    runner: runner.clone(),
                });
            }
            Err(failure) => {
                let why = format!(
                    "the {} do not compile (`cargo test -p {}` shows why):\n{}",
                    failure.mode.label(),
                    lab.package,
                    failure.log
                );
                let mut report = not_graded(folder, manifest, touching, why);
                report.on_disallowed = manifest.grading.on_disallowed;
                slots.push(Ok(report));
            }
        }
        incidents.extend(take_incidents(&runner, Some(folder), None));
    }
    let subjects: Vec<Subject<'_>> = pending
        .iter()
        .map(|p| Subject {
            folder: &p.lab.folder,
            package: &p.lab.package,
            grading: &p.manifest.grading,
            loom: p.modes.contains(&Mode::Loom),
        })
        .collect();
    if !subjects.is_empty() {
        eprintln!("grading: reviewing src/ (cargo clippy)");
    }
    let mut reviews = review::review(&cargo, &copy.root, &subjects, &copy.starter, &review_dir);
    let mut binaries = Binaries::default();
    for p in &pending {
        for exe in p.suite.executables() {
            binaries.record(exe);
        }
    }
    let fingerprint = || {
        let mut print = Fingerprint::of(&copy.root, None);
        print
            .0
            .extend(Fingerprint::of(&setup.target_dir, Some(&setup.work_dir)).0);
        print
    };
    // Only a test running as the grader's own user could change them.
    let before = (!sandbox.summary().isolated).then(fingerprint);

    // 2. Run every test, each in the sandbox, each binary checked first.
    let mut ran = Vec::new();
    for p in &pending {
        eprintln!(
            "grading {}: running {} tests",
            p.lab.folder,
            p.manifest.graded_tests().len()
        );
        let mut report = lab_report(&p.lab.folder, p.manifest, &p.modes, |test| {
            let name = test.test.to_string();
            if let Some(exe) = p.suite.executable(test)
                && !binaries.unchanged(exe)
            {
                incidents.push(Incident {
                    lab: Some(p.lab.folder.clone()),
                    test: Some(name.clone()),
                    what: format!(
                        "the test binary {} changed after it was built (by an earlier test): not run",
                        exe.display()
                    ),
                    voids: true,
                });
                return Ok(test_report(
                    &name,
                    test.mode,
                    &Verdict::Unreported("its test binary was changed during grading".into()),
                    0.0,
                    "",
                ));
            }
            let run = p.suite.run(test)?;
            incidents.extend(take_incidents(&p.runner, Some(&p.lab.folder), Some(&name)));
            Ok(test_report(
                &name,
                test.mode,
                &run.verdict,
                run.elapsed.as_secs_f64(),
                &run.output,
            ))
        })?;
        report.tampering = p.tampering.clone();
        apply_review(
            &mut report,
            reviews.remove(&p.lab.folder).unwrap_or_default(),
            &p.manifest.grading,
        );
        ran.push(report);
    }

    // 3. Everything the tests started is gone; now check what they could have changed.
    for note in sandbox.finish() {
        incidents.push(Incident {
            lab: None,
            test: None,
            what: note,
            voids: false,
        });
    }
    if crate::integrity::digest(&setup.tool) != setup.tool_hash {
        incidents.push(Incident {
            lab: None,
            test: None,
            what: format!(
                "the grading tool {} was changed during grading",
                setup.tool.display()
            ),
            voids: true,
        });
    }
    if let Some(before) = before {
        let changed = before.changes(&fingerprint());
        if !changed.is_empty() {
            let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
            incidents.push(Incident {
                lab: None,
                test: None,
                what: format!(
                    "the tests changed {} files of the grading copy or the build folder ({}): \
                     clear {} before grading anything else",
                    changed.len(),
                    shown.join(", "),
                    setup.target_dir.display()
                ),
                voids: true,
            });
        }
    }

    let mut ran = ran.into_iter();
    let mut labs: Vec<LabReport> = slots
        .into_iter()
        .map(|slot| match slot {
            Ok(report) => report,
            Err(_) => ran.next().expect("one report per lab that ran"),
        })
        .collect();
    let voids: Vec<String> = incidents
        .iter()
        .filter(|i| i.voids)
        .map(ToString::to_string)
        .collect();
    let void = (!voids.is_empty()).then(|| {
        for lab in &mut labs {
            zero(lab);
        }
        format!("grading was interfered with: {}", voids.join("; "))
    });
    let needs_review = labs.iter().any(|l| l.needs_review);
    let summary = sandbox.summary().clone();
    drop(pending);
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&copy_dir);
    let _ = std::fs::remove_dir_all(&review_dir);
    Ok(Report {
        score: labs.iter().map(|l| l.score).sum(),
        max_score: labs.iter().map(|l| l.max_score).sum(),
        integrity: copy.integrity.clone(),
        sandbox: summary,
        advisory,
        void,
        needs_review,
        incidents,
        ignored: copy.ignored.clone(),
        labs,
    })
}

/// A lab to grade: from the grading copy, or left out of it (tampered, without a pristine copy).
enum Entry<'a> {
    Copied(&'a Lab),
    LeftOut(&'a workspace::LeftOut),
}

impl Entry<'_> {
    fn folder(&self) -> &str {
        match self {
            Entry::Copied(lab) => &lab.folder,
            Entry::LeftOut(left) => &left.folder,
        }
    }

    fn answers_to(&self, name: &str) -> bool {
        let name = name.trim_end_matches('/');
        let name = name.strip_prefix("labs/").unwrap_or(name);
        match self {
            Entry::Copied(lab) => {
                lab.folder == name
                    || lab.package == name
                    || lab.manifest.as_ref().is_ok_and(|m| m.id == name)
            }
            Entry::LeftOut(left) => {
                left.folder == name || left.manifest.as_ref().is_ok_and(|m| m.id == name)
            }
        }
    }
}

/// The labs named (all when none), in folder order when none are named and in the order given
/// otherwise. An unknown name is an error that lists the labs there are.
fn select<'a>(
    book: Option<&'a Workbook>,
    copy: &'a GradingCopy,
    names: &[String],
) -> Result<Vec<Entry<'a>>> {
    let mut all: Vec<Entry<'a>> = book
        .map(|b| b.labs.iter().map(Entry::Copied).collect())
        .unwrap_or_default();
    all.extend(copy.left_out.iter().map(Entry::LeftOut));
    all.sort_by(|a, b| a.folder().cmp(b.folder()));
    if names.is_empty() {
        return Ok(all);
    }
    let mut chosen: Vec<Entry<'a>> = Vec::new();
    for name in names {
        let Some(index) = all.iter().position(|e| e.answers_to(name)) else {
            let known: Vec<&str> = all.iter().map(Entry::folder).collect();
            bail!(
                "no lab named {name:?}; the labs are:\n  {}",
                known.join("\n  ")
            );
        };
        if !chosen.iter().any(|c| c.folder() == all[index].folder()) {
            chosen.push(match &all[index] {
                Entry::Copied(lab) => Entry::Copied(lab),
                Entry::LeftOut(left) => Entry::LeftOut(left),
            });
        }
    }
    Ok(chosen)
}

fn take_incidents(runner: &Runner, lab: Option<&str>, test: Option<&str>) -> Vec<Incident> {
    runner
        .take_notes()
        .into_iter()
        .map(|note| Incident {
            lab: lab.map(str::to_owned),
            test: test.map(str::to_owned),
            what: note.text,
            voids: note.voids,
        })
        .collect()
}

/// The lab's resource limits: the defaults, with what its `[grading]` sets.
pub fn limits_of(grading: &Grading) -> Limits {
    let default = Limits::default();
    Limits {
        memory_mb: grading.memory_mb.unwrap_or(default.memory_mb),
        processes: grading.processes.unwrap_or(default.processes),
        file_size_mb: grading.file_size_mb.unwrap_or(default.file_size_mb),
        cpu_secs: grading.cpu_secs.or(default.cpu_secs),
    }
}

/// Builds `lab` in `workspace` and runs every graded test in its own process, in the default
/// sandbox (`cargo lab status`). Loom tests are skipped (and score nothing) unless `with_loom`.
pub fn score_lab(
    cargo: &Cargo,
    workspace: &Path,
    lab: &Lab,
    manifest: &Manifest,
    with_loom: bool,
) -> Result<LabReport> {
    let mut modes = vec![Mode::Plain];
    if with_loom && manifest.has_loom_tests() {
        modes.push(Mode::Loom);
    }
    let lab_dir = workspace.join("labs").join(&lab.folder);
    let suite = match Suite::build(cargo, workspace, &lab.package, &lab_dir, &modes)? {
        Ok(suite) => suite,
        Err(failure) => {
            let why = format!(
                "the {} do not compile (`cargo test -p {}` shows why):\n{}",
                failure.mode.label(),
                lab.package,
                failure.log
            );
            return Ok(not_graded(&lab.folder, manifest, Vec::new(), why));
        }
    };
    lab_report(&lab.folder, manifest, &modes, |test| {
        let run = suite.run(test)?;
        Ok(test_report(
            &test.test.to_string(),
            test.mode,
            &run.verdict,
            run.elapsed.as_secs_f64(),
            &run.output,
        ))
    })
}

/// The lab's report, with `run` giving each graded test's outcome (tests of a mode not in
/// `modes` are skipped and score nothing).
fn lab_report(
    folder: &str,
    manifest: &Manifest,
    modes: &[Mode],
    mut run: impl FnMut(&crate::manifest::GradedTest) -> Result<TestReport>,
) -> Result<LabReport> {
    let graded = manifest.graded_tests();
    let mut exercises = Vec::new();
    for ex in &manifest.exercises {
        let mut tests = Vec::new();
        for test in graded.iter().filter(|t| t.exercise == ex.id) {
            tests.push(if modes.contains(&test.mode) {
                run(test)?
            } else {
                skipped(&test.test.to_string(), test.mode, "loom tests were not run")
            });
        }
        let passed = tests.iter().all(|t| t.status == Status::Passed);
        exercises.push(ExerciseReport {
            id: ex.id.clone(),
            name: ex.name.clone(),
            score: if passed { ex.points } else { 0 },
            max_score: ex.points,
            tests,
        });
    }
    Ok(LabReport {
        id: manifest.id.clone(),
        folder: folder.to_string(),
        title: manifest.title.clone(),
        score: exercises.iter().map(|e| e.score).sum(),
        max_score: manifest.total_points(),
        tampering: Vec::new(),
        not_graded: None,
        zeroed: None,
        review: Vec::new(),
        review_incomplete: None,
        on_disallowed: manifest.grading.on_disallowed,
        needs_review: false,
        limits: limits_of(&manifest.grading),
        exercises,
    })
}

/// Applies the review of `src/` to a lab that ran, by the lab's policy.
fn apply_review(report: &mut LabReport, review: Review, grading: &Grading) {
    report.on_disallowed = grading.on_disallowed;
    report.review_incomplete = review.incomplete;
    report.review = review.hits;
    if report.review_incomplete.is_some() {
        report.needs_review = true;
    }
    if report.review.is_empty() {
        return;
    }
    match grading.on_disallowed {
        OnDisallowed::Review => report.needs_review = true,
        OnDisallowed::Zero => {
            let first = &report.review[0];
            let more = match report.review.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            report.zeroed = Some(format!(
                "disallowed in src/ (lab.toml: on_disallowed = \"zero\"): {first}{more}"
            ));
            zero(report);
        }
    }
}

/// Takes every point of `report` away (its tests' outcomes stay as they were).
fn zero(report: &mut LabReport) {
    report.score = 0;
    for ex in &mut report.exercises {
        ex.score = 0;
    }
}

fn tampered(folder: &str, manifest: &Manifest, touching: Vec<Tampering>) -> LabReport {
    let files: Vec<String> = touching.iter().map(ToString::to_string).collect();
    let why = format!("protected files were changed: {}", files.join(", "));
    not_graded(folder, manifest, touching, why)
}

fn not_graded(
    folder: &str,
    manifest: &Manifest,
    tampering: Vec<Tampering>,
    why: String,
) -> LabReport {
    let graded = manifest.graded_tests();
    let short = why.lines().next().unwrap_or_default().to_string();
    let exercises = manifest
        .exercises
        .iter()
        .map(|ex| ExerciseReport {
            id: ex.id.clone(),
            name: ex.name.clone(),
            score: 0,
            max_score: ex.points,
            tests: graded
                .iter()
                .filter(|t| t.exercise == ex.id)
                .map(|t| skipped(&t.test.to_string(), t.mode, &short))
                .collect(),
        })
        .collect();
    LabReport {
        id: manifest.id.clone(),
        folder: folder.to_string(),
        title: manifest.title.clone(),
        score: 0,
        max_score: manifest.total_points(),
        tampering,
        not_graded: Some(why),
        zeroed: None,
        review: Vec::new(),
        review_incomplete: None,
        on_disallowed: manifest.grading.on_disallowed,
        needs_review: false,
        limits: limits_of(&manifest.grading),
        exercises,
    }
}

/// A lab whose manifest cannot be read: nothing to grade it by, so it scores nothing.
fn unreadable(folder: &str, tampering: Vec<Tampering>, why: &str) -> LabReport {
    LabReport {
        id: folder.to_string(),
        folder: folder.to_string(),
        title: folder.to_string(),
        score: 0,
        max_score: 0,
        tampering,
        not_graded: Some(format!("its lab.toml cannot be read: {why}")),
        zeroed: None,
        review: Vec::new(),
        review_incomplete: None,
        on_disallowed: OnDisallowed::default(),
        needs_review: false,
        limits: Limits::default(),
        exercises: Vec::new(),
    }
}

fn skipped(name: &str, mode: Mode, why: &str) -> TestReport {
    TestReport {
        name: name.to_string(),
        loom: mode == Mode::Loom,
        status: Status::NotRun,
        reason: format!("not run: {why}"),
        seconds: 0.0,
        output: String::new(),
    }
}

fn test_report(
    name: &str,
    mode: Mode,
    verdict: &Verdict,
    seconds: f64,
    output: &str,
) -> TestReport {
    let status = match verdict {
        Verdict::Passed => Status::Passed,
        Verdict::Failed(_) => Status::Failed,
        Verdict::TimedOut(_) => Status::TimedOut,
        Verdict::Crashed(_) => Status::Crashed,
        Verdict::Unreported(_) => Status::NoResult,
    };
    let passed = status == Status::Passed;
    TestReport {
        name: name.to_string(),
        loom: mode == Mode::Loom,
        status,
        reason: if passed {
            String::new()
        } else {
            verdict.describe()
        },
        seconds: (seconds * 1000.0).round() / 1000.0,
        output: if passed {
            String::new()
        } else {
            tail_bytes(output, REPORT_OUTPUT_CAP)
        },
    }
}

/// Refuses to build when Cargo would read configuration that is not the grader's: a
/// `.cargo/config.toml` in a folder above the grading copy (Cargo reads every one from the
/// working folder up to `/`) or in `CARGO_HOME` that lies in the submission, or that someone
/// other than the grader (or root) owns or may write.
fn check_cargo_config(copy: &Path, submission: &Path, self_grading: bool) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut candidates = Vec::new();
    for dir in copy.ancestors().skip(1) {
        candidates.push(dir.join(".cargo"));
    }
    candidates.extend(cargo_home);
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    for dir in candidates {
        for file in ["config.toml", "config"] {
            let path = dir.join(file);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if path.starts_with(submission) && !self_grading {
                bail!(
                    "{} would configure the build, and it is in the submission: give a --work-dir outside it",
                    path.display()
                );
            }
            let dir_meta = std::fs::symlink_metadata(&dir)?;
            for (what, m) in [(&path, &meta), (&dir, &dir_meta)] {
                let owner_ok = m.uid() == 0 || m.uid() == me;
                if !owner_ok || m.mode() & 0o022 != 0 || m.file_type().is_symlink() {
                    bail!(
                        "{} would configure the build, but {} belongs to uid {} or others may \
                         write it (mode {:o}): remove it, or give a --work-dir where no such file is above",
                        path.display(),
                        what.display(),
                        m.uid(),
                        m.mode() & 0o7777
                    );
                }
            }
        }
    }
    Ok(())
}

/// Creates `dir` for the grader (readable and enterable by the tests' user, writable only by
/// the grader), refusing one that someone else owns or may write.
fn ensure_own_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let meta = std::fs::symlink_metadata(dir)?;
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me || meta.mode() & 0o022 != 0 {
        bail!(
            "the grader's work folder {} belongs to uid {} or others may write it (mode {:o}): \
             give a --work-dir of your own",
            dir.display(),
            meta.uid(),
            meta.mode() & 0o7777
        );
    }
    if me == 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

fn sandbox_uid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// A folder name for the submission's copies: its name and a hash of its path.
pub(crate) fn key_for(submission: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let name: String = submission
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    let mut hasher = std::hash::DefaultHasher::new();
    submission.hash(&mut hasher);
    format!("{name}-{:08x}", hasher.finish() as u32)
}

/// The test binaries' SHA-256, taken after the build, and the file each was taken of.
#[derive(Default)]
struct Binaries(BTreeMap<PathBuf, (String, Option<FileId>)>);

/// What identifies a file's contents without reading it: a write, a replacement or a `touch`
/// gives it a new change time, which no unprivileged process can set back.
type FileId = (u64, u64, u64, i64, i64);

fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.size(), m.ctime(), m.ctime_nsec()))
}

impl Binaries {
    fn record(&mut self, exe: &Path) {
        let id = file_id(exe);
        self.0
            .insert(exe.to_path_buf(), (crate::integrity::digest(exe), id));
    }

    /// Whether `exe` is still what was built: the same file, untouched since it was hashed, or
    /// else a file with the same SHA-256 (hashing ~20 MB per test would add seconds to every
    /// submission on a slow grader; the change time makes it unnecessary).
    fn unchanged(&self, exe: &Path) -> bool {
        match self.0.get(exe) {
            Some((hash, id)) => {
                (id.is_some() && file_id(exe) == *id) || crate::integrity::digest(exe) == *hash
            }
            None => true,
        }
    }
}

/// What the files of some trees are (inode, size, change time, mode): a file written, replaced,
/// renamed or chmod-ed has a new change time, which no user can set.
struct Fingerprint(BTreeMap<PathBuf, (u64, u64, i64, i64, u32)>);

impl Fingerprint {
    /// Everything under `root`, but not under `skip`.
    fn of(root: &Path, skip: Option<&Path>) -> Fingerprint {
        use std::os::unix::fs::MetadataExt;
        let mut files = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if skip.is_some_and(|s| path.starts_with(s)) {
                    continue;
                }
                let Ok(meta) = std::fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.is_dir() {
                    stack.push(path.clone());
                }
                files.insert(
                    path,
                    (
                        meta.ino(),
                        meta.len(),
                        meta.ctime(),
                        meta.ctime_nsec(),
                        meta.mode(),
                    ),
                );
            }
        }
        Fingerprint(files)
    }

    /// The paths added, removed or changed since `self`.
    fn changes(&self, now: &Fingerprint) -> Vec<String> {
        let mut changed: Vec<String> = Vec::new();
        for (path, was) in &self.0 {
            if now.0.get(path) != Some(was) {
                changed.push(path.display().to_string());
            }
        }
        for path in now.0.keys().filter(|p| !self.0.contains_key(*p)) {
            changed.push(path.display().to_string());
        }
        changed
    }
}

/// Writes a report to `path` all at once: into a new file beside it, then renamed over it, so
/// nobody can have the file open, and a link put in its place is replaced, not followed.
pub fn write_report(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?
        .to_string_lossy()
        .into_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(&temp)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The last `cap` bytes of `text`, cut at a character boundary.
fn tail_bytes(text: &str, cap: usize) -> String {
    if text.len() <= cap {
        return text.to_string();
    }
    let mut start = text.len() - cap;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[...]\n{}", &text[start..])
}
