//! `cargo lab grade`: scores a submission from `lab.toml`, robust against code that hangs,
//! crashes or tries to game the grader (DESIGN.md, "Grading").
//!
//! The submission is never built in place. It is copied to a grading workspace under the
//! target directory; with `--pristine DIR`, every protected file there comes from `DIR`. Each
//! lab's tests are built once per mode, then every graded test runs in its own process (see
//! [`crate::runner`]). A lab whose protected files were changed scores zero, with the files named.

mod gradescope;
mod junit;
mod markdown;
mod terminal;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cargo::Cargo;
use crate::integrity::{Record, Tampering};
use crate::manifest::{Manifest, Mode};
use crate::runner::Verdict;
use crate::shadow::Shadow;
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

/// What happens to a lab whose protected files were changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnTamper {
    /// The lab scores zero, with the files named.
    Zero,
    /// With --pristine: grade against the restored files, and still name the changed ones.
    Restore,
}

/// Where the protected files' true contents come from.
pub struct Integrity {
    pub pristine: Option<PathBuf>,
    pub on_tamper: OnTamper,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub score: u32,
    pub max_score: u32,
    /// How the protected files were checked, in one sentence.
    pub integrity: String,
    pub labs: Vec<LabReport>,
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
}

/// Grades the labs named (all when none) of the submission at `workbook`.
pub fn run(workbook: &Workbook, names: &[String], integrity: &Integrity) -> Result<Report> {
    // Resolve the names first, so a typo fails before any work.
    workbook.select(names)?;
    let cargo = Cargo::for_workspace(&workbook.root)?;

    let (expected, how) = expected_record(workbook, integrity)?;
    let tampering = match &expected {
        Some(expected) => expected.compare(&Record::of_tree(&workbook.root)?),
        None => Vec::new(),
    };

    eprintln!("grading: copying the submission to a grading workspace");
    let shadow = Shadow::create_named(workbook, &cargo.target_dir, "grade")?;
    if let Some(pristine) = &integrity.pristine {
        restore_protected(pristine, &shadow.root, &tampering)?;
    }
    shadow.set_shadow_versions()?;
    // The lab manifests that count are the grading copy's: the pristine ones, with --pristine.
    let graded_book = Workbook::open(&shadow.root)?;
    let restored = integrity.pristine.is_some() && integrity.on_tamper == OnTamper::Restore;

    let mut labs = Vec::new();
    for lab in graded_book.select(names)? {
        let touching: Vec<Tampering> = tampering
            .iter()
            .filter(|t| t.lab.as_deref().is_none_or(|folder| folder == lab.folder))
            .cloned()
            .collect();
        let manifest = match lab.manifest() {
            Ok(manifest) => manifest,
            Err(e) => {
                // A student can break lab.toml too: that lab is not graded, the others are.
                labs.push(unreadable(lab, touching, &format!("{e:#}")));
                continue;
            }
        };
        let report = if !touching.is_empty() && !restored {
            let files: Vec<String> = touching.iter().map(ToString::to_string).collect();
            not_graded(
                lab,
                manifest,
                touching,
                format!("protected files were changed: {}", files.join(", ")),
            )
        } else {
            eprintln!(
                "grading {}: building and running {} tests",
                lab.folder,
                manifest.graded_tests().len()
            );
            let mut report = score_lab(&cargo, &shadow.root, lab, manifest, true)?;
            report.tampering = touching;
            report
        };
        labs.push(report);
    }
    Ok(Report {
        score: labs.iter().map(|l| l.score).sum(),
        max_score: labs.iter().map(|l| l.max_score).sum(),
        integrity: how,
        labs,
    })
}

/// Builds `lab` in `workspace` and runs every graded test in its own process. Loom tests are
/// skipped (and score nothing) unless `with_loom`.
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
            return Ok(not_graded(lab, manifest, Vec::new(), why));
        }
    };
    let graded = manifest.graded_tests();
    let mut exercises = Vec::new();
    for ex in &manifest.exercises {
        let mut tests = Vec::new();
        for test in graded.iter().filter(|t| t.exercise == ex.id) {
            let report = if modes.contains(&test.mode) {
                let run = suite.run(test)?;
                test_report(
                    &test.test.to_string(),
                    test.mode,
                    &run.verdict,
                    run.elapsed.as_secs_f64(),
                    &run.output,
                )
            } else {
                skipped(&test.test.to_string(), test.mode, "loom tests were not run")
            };
            tests.push(report);
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
        folder: lab.folder.clone(),
        title: manifest.title.clone(),
        score: exercises.iter().map(|e| e.score).sum(),
        max_score: manifest.total_points(),
        tampering: Vec::new(),
        not_graded: None,
        exercises,
    })
}

fn not_graded(lab: &Lab, manifest: &Manifest, tampering: Vec<Tampering>, why: String) -> LabReport {
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
        folder: lab.folder.clone(),
        title: manifest.title.clone(),
        score: 0,
        max_score: manifest.total_points(),
        tampering,
        not_graded: Some(why),
        exercises,
    }
}

/// A lab whose manifest cannot be read: nothing to grade it by, so it scores nothing.
fn unreadable(lab: &Lab, tampering: Vec<Tampering>, why: &str) -> LabReport {
    LabReport {
        id: lab.folder.clone(),
        folder: lab.folder.clone(),
        title: lab.folder.clone(),
        score: 0,
        max_score: 0,
        tampering,
        not_graded: Some(format!("its lab.toml cannot be read: {why}")),
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

/// The record to compare against, and a sentence saying where it came from.
fn expected_record(workbook: &Workbook, integrity: &Integrity) -> Result<(Option<Record>, String)> {
    if let Some(pristine) = &integrity.pristine {
        let record = Record::of_tree(pristine)
            .with_context(|| format!("reading the pristine copy {}", pristine.display()))?;
        if record.files.is_empty() {
            anyhow::bail!(
                "{} holds no workbook files: is it the released copy?",
                pristine.display()
            );
        }
        let how = format!(
            "protected files compared with the pristine copy {}",
            pristine.display()
        );
        return Ok((Some(record), how));
    }
    if workbook.root.join(crate::integrity::RECORD_PATH).is_file() {
        let how = format!(
            "protected files compared with the hashes in {}",
            crate::integrity::RECORD_PATH
        );
        return Ok((Some(Record::load(&workbook.root)?), how));
    }
    let how = format!(
        "NOT CHECKED: no {} and no --pristine (grading a copy that was not made by `cargo lab release`)",
        crate::integrity::RECORD_PATH
    );
    eprintln!("warning: integrity {how}");
    Ok((None, how))
}

/// Puts the pristine version of every protected file into the grading copy and removes the
/// protected files the submission added.
fn restore_protected(pristine: &Path, copy: &Path, tampering: &[Tampering]) -> Result<()> {
    for rel in crate::integrity::protected_files(pristine)? {
        let to = copy.join(&rel);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(pristine.join(&rel), &to).with_context(|| format!("cannot restore {rel}"))?;
    }
    for added in tampering
        .iter()
        .filter(|t| t.change == crate::integrity::Change::Added)
    {
        let _ = std::fs::remove_file(copy.join(&added.path));
    }
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
