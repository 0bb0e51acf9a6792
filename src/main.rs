//! `cargo lab`: the concurrency workbook's own tool.
//!
//! Run it through the Cargo alias in `.cargo/config.toml`: `cargo lab status`, `cargo lab verify`.

mod cargo;
mod checklist;
mod grade;
mod integrity;
mod manifest;
mod release;
mod runner;
mod sandbox;
mod shadow;
mod status;
mod suite;
mod verify;
mod workbook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::workbook::Workbook;

/// The concurrency workbook's tool: where you stand, and whether the labs are sound.
///
/// Labs are named by folder (`01-threads`) or by the `id` in their lab.toml (`threads`).
#[derive(Debug, Parser)]
#[command(name = "cargo lab", bin_name = "cargo lab", version)]
struct Cli {
    /// The workbook's root folder (default: the one this tool was built from).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the graded tests on your code and show each exercise: pass or fail, points, total.
    ///
    /// Every test runs in its own process with its time limit, exactly as when graded.
    /// Nothing is written to your files.
    Status {
        /// Labs to show (all when none).
        #[arg(value_name = "LAB")]
        labs: Vec<String>,
        /// Skip the loom models (they build in release mode, which is slower the first time).
        #[arg(long)]
        no_loom: bool,
    },
    /// Prove labs sound: manifest and chapter, the starter fails every graded test, the
    /// solution passes them all, every mutant is caught, benches, examples and the book build.
    ///
    /// Solutions and mutants are checked in a shadow copy under target/; your src/ is never
    /// written. With no LAB, the workbook's own tests run too. Ends with `N passed, N failed`
    /// and exits non-zero when anything failed.
    Verify {
        /// Labs to check (all when none).
        #[arg(value_name = "LAB")]
        labs: Vec<String>,
    },
    /// Grade a submission: every graded test in its own process, scored from lab.toml.
    ///
    /// The submission is copied to a grading workspace under target/ and built there. Protected
    /// files (tests, lab.toml, Cargo.toml, build scripts, .cargo/) are checked against the
    /// hashes `cargo lab release` recorded, or against a pristine copy; a lab whose protected
    /// files changed scores zero. The exit code says whether grading worked (0) or not (2),
    /// not how the student did; --fail-under makes a low score exit 1.
    Grade {
        /// Labs to grade (all when none).
        #[arg(value_name = "LAB")]
        labs: Vec<String>,
        /// Report format. Repeat it, each with its own --out, to write several reports from
        /// one grading run.
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Vec<grade::Format>,
        /// Write the report to FILE instead of standard output; one --out per --format.
        #[arg(long, value_name = "FILE")]
        out: Vec<PathBuf>,
        /// An untouched released copy: protected files are compared with it and, in the grading
        /// copy, replaced by it.
        #[arg(long, value_name = "DIR")]
        pristine: Option<PathBuf>,
        /// What a lab with changed protected files scores: zero, or (with --pristine) the score
        /// against the restored files.
        #[arg(long, value_enum, default_value = "zero")]
        on_tamper: grade::OnTamper,
        /// Exit 1 when the total score is below PERCENT (for CI that should go red).
        #[arg(long, value_name = "PERCENT")]
        fail_under: Option<f64>,
    },
    /// Write the student repository to DIR: everything but solutions/, mutants and the
    /// maintainer-only checks, with a grading workflow and the integrity record.
    ///
    /// DIR must be absent or empty: release never overwrites a repository.
    Release {
        /// Where to write the student copy.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    // The grader starts this very binary as the supervisor of each test run (see sandbox.rs).
    if let Some(code) = sandbox::supervisor::run_if_asked() {
        return code;
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = cli
        .root
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let workbook = Workbook::open(&root)?;
    match cli.command {
        Command::Status { labs, no_loom } => {
            status::run(&workbook, &labs, !no_loom)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Grade {
            labs,
            format,
            out,
            pristine,
            on_tamper,
            fail_under,
        } => {
            if on_tamper == grade::OnTamper::Restore && pristine.is_none() {
                anyhow::bail!("--on-tamper restore needs --pristine DIR to restore from");
            }
            let outputs = pair_outputs(format, out)?;
            let integrity = grade::Integrity {
                pristine,
                on_tamper,
            };
            let report = grade::run(&workbook, &labs, &integrity)?;
            for (format, path) in outputs {
                let text = report.render(format)?;
                match path {
                    Some(path) => std::fs::write(&path, text)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
                    None => print!("{text}"),
                }
            }
            let failing = fail_under.is_some_and(|limit| report.percent() < limit);
            Ok(if failing {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Release { out } => {
            release::run(&workbook, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { labs } => {
            let list = verify::run(&workbook, &labs)?;
            println!("{}", list.summary());
            Ok(if list.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// Pairs each `--format` with its `--out` (standard output when there is none). With no
/// `--format`, the terminal table goes to `--out` or standard output.
fn pair_outputs(
    formats: Vec<grade::Format>,
    outs: Vec<PathBuf>,
) -> anyhow::Result<Vec<(grade::Format, Option<PathBuf>)>> {
    let formats = if formats.is_empty() {
        vec![grade::Format::Terminal]
    } else {
        formats
    };
    match (formats.len(), outs.len()) {
        (_, 0) if formats.len() == 1 => Ok(vec![(formats[0], None)]),
        (f, o) if f == o => Ok(formats
            .into_iter()
            .zip(outs.into_iter().map(Some))
            .collect()),
        (f, o) => anyhow::bail!(
            "{f} --format but {o} --out: give one --out per --format (or a single --format and no --out for standard output)"
        ),
    }
}
