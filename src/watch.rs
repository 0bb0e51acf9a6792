//! `cargo lab watch [LAB]`: re-runs a lab's graded tests whenever a file in its `src/` changes,
//! and shows the first exercise that fails, why, and which hint to read — like rustlings' watch
//! mode, for this workbook's labs.
//!
//! The tests run exactly as `cargo lab status` runs them (one process each, with its time limit).
//! Ctrl-C stops the test that is running, with everything it started, and ends the command.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::cargo::{Cargo, tail};
use crate::grade::{self, Status};
use crate::workbook::{Lab, Workbook};

/// How long the files must be still before a run starts: an editor's save is several events.
const SETTLE: Duration = Duration::from_millis(300);

pub fn run(workbook: &Workbook, name: Option<&str>, with_loom: bool) -> Result<()> {
    let lab = match name {
        Some(name) => workbook.select(&[name.to_string()])?[0],
        None => last_edited(workbook)?,
    };
    let manifest = lab.manifest()?;
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let src = lab.dir.join("src");

    // Ctrl-C: stop the running test's whole process group, then leave.
    ctrlc::set_handler(|| {
        crate::runner::kill_running_tests();
        eprintln!("\nstopped watching");
        std::process::exit(130);
    })
    .context("cannot install the Ctrl-C handler")?;

    let (tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("cannot watch files")?;
    watcher
        .watch(&src, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", src.display()))?;

    let mut runs = 0;
    loop {
        runs += 1;
        println!(
            "\n== run {runs}: {} {} (watching {}; Ctrl-C to stop)",
            lab.folder,
            manifest.title,
            relative(workbook, &src).display()
        );
        show(&cargo, workbook, lab, with_loom)?;
        // Wait for a change, then until the files have been still for a moment: an editor's
        // save is several events. Reading a file (the build does) is not a change.
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut wait = None;
        loop {
            let event = match wait {
                None => events
                    .recv()
                    .map_err(|_| anyhow!("the file watcher stopped"))?,
                Some(settle) => match events.recv_timeout(settle) {
                    Ok(event) => event,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        return Err(anyhow!("the file watcher stopped"));
                    }
                },
            };
            if let Ok(event) = event
                && matches!(
                    event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                )
            {
                changed.extend(event.paths);
                wait = Some(SETTLE);
            }
        }
        changed.sort();
        changed.dedup();
        let names: Vec<String> = changed
            .iter()
            .map(|p| relative(workbook, p).display().to_string())
            .collect();
        println!("changed: {}", names.join(", "));
    }
}

/// Runs the graded tests and prints each exercise; for the first that fails, its first failing
/// test with the reason and the end of its output, and the hint command.
fn show(cargo: &Cargo, workbook: &Workbook, lab: &Lab, with_loom: bool) -> Result<()> {
    let manifest = lab.manifest()?;
    let report = grade::score_lab(cargo, &workbook.root, lab, manifest, with_loom)?;
    if let Some(why) = &report.not_graded {
        println!("{}", tail(why, 30));
        return Ok(());
    }
    let mut first_failure = None;
    for ex in &report.exercises {
        let passed = ex.score == ex.max_score;
        println!(
            "  {}  {:<5} {}",
            if passed { "pass" } else { "FAIL" },
            ex.id,
            ex.name
        );
        if !passed && first_failure.is_none() {
            first_failure = Some(ex);
        }
    }
    println!("  {}/{} points", report.score, report.max_score);
    match first_failure {
        None => println!(
            "Every exercise of {} passes{}. On to the next chapter!",
            lab.folder,
            if with_loom || !manifest.has_loom_tests() {
                ""
            } else {
                " (loom models not run: `cargo lab watch --loom` or `cargo lab status` runs them)"
            }
        ),
        Some(ex) => {
            if let Some(test) = ex.tests.iter().find(|t| t.status != Status::Passed) {
                println!("\nExercise {}: {} {}", ex.id, test.name, test.reason);
                if !test.output.is_empty() {
                    println!("{}", indent(&tail(&test.output, 15)));
                }
            }
            println!(
                "Stuck? `cargo lab hint {}` shows the chapter's hints one at a time.",
                ex.id
            );
        }
    }
    Ok(())
}

/// The lab whose `src/` was edited last: where the student is working.
fn last_edited(workbook: &Workbook) -> Result<&Lab> {
    workbook
        .labs
        .iter()
        .max_by_key(|lab| newest(&lab.dir.join("src")))
        .ok_or_else(|| anyhow!("the workbook has no labs"))
}

fn newest(dir: &Path) -> SystemTime {
    let mut latest = SystemTime::UNIX_EPOCH;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let time = if path.is_dir() {
                newest(&path)
            } else {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH)
            };
            latest = latest.max(time);
        }
    }
    latest
}

fn relative<'a>(workbook: &Workbook, path: &'a Path) -> &'a Path {
    path.strip_prefix(&workbook.root).unwrap_or(path)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
