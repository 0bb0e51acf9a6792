//! `cargo lab`: the concurrency workbook's own tool.
//!
//! Run it through the Cargo alias in `.cargo/config.toml`: `cargo lab status`, `cargo lab verify`.

mod cache;
mod cargo;
mod checklist;
mod cpustat;
mod figures;
mod fills;
mod generated;
mod grade;
mod hint;
mod integrity;
mod judge;
mod killers;
mod manifest;
mod mutate;
mod patch;
mod release;
mod runner;
mod sandbox;
mod shadow;
mod solution;
mod status;
mod suite;
mod variants;
mod verify;
mod watch;
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
    /// Re-run a lab's graded tests whenever you save a file in its src/, and show the first
    /// exercise that fails, why, and which hint to read. Ctrl-C stops.
    Watch {
        /// The lab (default: the one whose src/ you edited last).
        #[arg(value_name = "LAB")]
        lab: Option<String>,
        /// Run the loom models too (they build in release mode: slower after each change).
        #[arg(long)]
        loom: bool,
    },
    /// Show the next hint of exercise N.M from its chapter (each call shows one more).
    Hint {
        /// The exercise, as the chapter and the todo!() messages name it: `2.3`.
        #[arg(value_name = "N.M")]
        exercise: String,
        /// Show every hint of the exercise.
        #[arg(long, conflicts_with = "reset")]
        all: bool,
        /// Start the exercise's hints over.
        #[arg(long)]
        reset: bool,
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
        /// Prove everything afresh: ignore the findings cached under target/lab/cache/.
        #[arg(long)]
        no_cache: bool,
        /// How many times the solution's and the alternatives' tests run (each must pass every
        /// time), and a mutant's failing tests (its grade must be the same every time).
        #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
        repeat: u16,
    },
    /// Grade a submission: every graded test in its own process, in a sandbox, scored from
    /// lab.toml.
    ///
    /// The grader builds a grading copy in a folder of its own, outside the submission: the
    /// pristine copy's files (or, without --pristine, the released files as recorded in
    /// .lab/integrity.json) plus the submission's labs/*/src files, nothing else. Protected
    /// files (tests, lab.toml, Cargo.toml, build scripts, .cargo/) are checked; a lab whose
    /// protected files changed scores zero. Every test binary is built before any test runs;
    /// each test then runs in a sandbox (as root: a fresh unprivileged user per submission;
    /// always: a supervisor that kills everything the test started, rlimits, a clean
    /// environment), and the report names the sandbox, or says why the grade is only advisory.
    /// The student's src/ is reviewed for calls that could forge a result (lab.toml [grading]).
    /// The exit code says whether grading worked (0) or not (2), not how the student did;
    /// --fail-under makes a low score exit 1.
    Grade {
        /// Labs to grade (all when none).
        #[arg(value_name = "LAB")]
        labs: Vec<String>,
        /// Report format. Repeat it, each with its own --out, to write several reports from
        /// one grading run. With --batch: the format of each student's report (default: json
        /// and markdown).
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Vec<grade::Format>,
        /// Write the report to FILE instead of standard output; one --out per --format. It is
        /// written only after every process of the tests is gone. With --batch: the folder for
        /// the gradebook and the students' reports.
        #[arg(long, value_name = "FILE")]
        out: Vec<PathBuf>,
        /// An untouched released copy: the grading copy is built from it and the submission's
        /// labs/*/src, and protected files are compared with it.
        #[arg(long, value_name = "DIR")]
        pristine: Option<PathBuf>,
        /// What a lab with changed protected files scores: zero, or (with --pristine) the score
        /// against the pristine files.
        #[arg(long, value_enum, default_value = "zero")]
        on_tamper: grade::OnTamper,
        /// Exit 1 when the total score is below PERCENT (for CI that should go red); with
        /// --batch, when any submission's is.
        #[arg(long, value_name = "PERCENT")]
        fail_under: Option<f64>,
        /// The grader's own folder for grading copies and the tests' scratch folders; it must
        /// be outside the submission and writable by no one else (default: lab-grading in the
        /// build folder). Builds go to CARGO_TARGET_DIR, or else to the build folder this tool
        /// was built in. As root, the tests' user must be able to enter every folder above both.
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Grade every submission folder in DIR (each a workbook, or a folder holding one)
        /// against --pristine, one sandbox per submission, sharing one build folder. Writes
        /// gradebook.csv (a row per student: total, each lab, standing, notes) and a folder per
        /// student with its reports into the --out folder.
        #[arg(long, value_name = "DIR", requires = "pristine")]
        batch: Option<PathBuf>,
    },
    /// For maintainers: generate mutants of the solutions with concurrency-aware operators (and
    /// cargo-mutants' generic ones, when it is installed), judge each as verify does, print the
    /// kill rate per lab and per operator, and record the verdicts in
    /// solutions/NN-topic/generated.toml, which verify checks.
    ///
    /// A mutant that is not killed must be caught by a stronger test, or listed in lab.toml under
    /// [[equivalent]] with a reason. Exits 1 when one is neither.
    Mutate {
        /// Labs to mutate (all when none).
        #[arg(value_name = "LAB")]
        labs: Vec<String>,
        /// Only list the mutants, without judging them.
        #[arg(long, conflicts_with = "show")]
        list: bool,
        /// Only print one mutant (its name as --list prints it) as a diff against the solution.
        #[arg(long, value_name = "NAME")]
        show: Option<String>,
        /// How many times a mutant's failing tests run (its grade must be the same every time).
        #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
        repeat: u16,
        /// Leave out cargo-mutants' generic operators even if it is installed.
        #[arg(long)]
        no_generic: bool,
    },
    /// For maintainers: re-measure every figure of the book (listed in book/figures/figures.toml)
    /// on an idle machine, and write each with the command, machine, load, toolchain and date.
    Figures {
        /// Only the figures whose file name contains one of these.
        #[arg(value_name = "NAME")]
        names: Vec<String>,
        /// List the figures and their commands.
        #[arg(long)]
        list: bool,
        /// Measure at once instead of waiting until the CPUs are idle.
        #[arg(long)]
        no_wait: bool,
    },
    /// For maintainers: write a copy of the workspace with a lab's solution (or one of its
    /// mutants or alternatives) in place, to read, build and edit as whole files; `--save`
    /// writes the edited copy back to solutions/.
    ///
    /// solutions/NN-topic/src/ holds only what the student writes, and mutants and alternatives
    /// are patches against it (see the book's "Maintaining the workbook"). The lab's own src/ is
    /// never written.
    Solution {
        /// The lab.
        #[arg(value_name = "LAB")]
        lab: String,
        /// A mutant: solutions/NN-topic/mutants/NAME.patch (a new one starts from the solution).
        #[arg(long, value_name = "NAME", conflicts_with = "alternative")]
        mutant: Option<String>,
        /// An alternative: solutions/NN-topic/alternatives/NAME.patch.
        #[arg(long, value_name = "NAME")]
        alternative: Option<String>,
        /// Read the edited copy back and write the solution files, or the patch.
        #[arg(long)]
        save: bool,
        /// With --save, for a new mutant or alternative: one line that says what it does.
        #[arg(long, value_name = "TEXT", requires = "save")]
        description: Option<String>,
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
    // Grading never opens the submission as a workbook: it may be hostile (see grade.rs).
    let workbook = || Workbook::open(&root);
    match cli.command {
        Command::Status { labs, no_loom } => {
            status::run(&workbook()?, &labs, !no_loom)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Grade {
            labs,
            format,
            out,
            pristine,
            on_tamper,
            fail_under,
            work_dir,
            batch,
        } => {
            if on_tamper == grade::OnTamper::Restore && pristine.is_none() {
                anyhow::bail!("--on-tamper restore needs --pristine DIR to restore from");
            }
            let integrity = grade::Integrity {
                pristine,
                on_tamper,
                work_dir,
            };
            if let Some(dir) = batch {
                let [out] = out.as_slice() else {
                    anyhow::bail!(
                        "--batch needs one --out FOLDER for the gradebook and the reports"
                    );
                };
                let rows = grade::run_batch(&dir, &labs, &integrity, &format, out)?;
                println!("wrote {}", out.join(grade::GRADEBOOK).display());
                let failing = fail_under.is_some_and(|limit| {
                    rows.iter().any(|row| {
                        row.outcome.as_ref().is_ok_and(|r| r.percent() < limit)
                            || row.outcome.is_err()
                    })
                });
                return Ok(if failing {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                });
            }
            let outputs = pair_outputs(format, out)?;
            let report = grade::run(&root, &labs, &integrity)?;
            // Every process of the tests is gone by now: the reports are written after them.
            for (format, path) in outputs {
                let text = report.render(format)?;
                match path {
                    Some(path) => grade::write_report(&path, &text)?,
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
        Command::Watch { lab, loom } => {
            watch::run(&workbook()?, lab.as_deref(), loom)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Hint {
            exercise,
            all,
            reset,
        } => {
            hint::run(
                &workbook()?,
                &hint::Request {
                    exercise,
                    all,
                    reset,
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Mutate {
            labs,
            list,
            show,
            repeat,
            no_generic,
        } => {
            let options = mutate::Options {
                list,
                show,
                repeat: usize::from(repeat),
                no_generic,
            };
            let good = mutate::run(&workbook()?, &labs, &options)?;
            Ok(if good {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Figures {
            names,
            list,
            no_wait,
        } => {
            figures::run(
                &workbook()?,
                &figures::Options {
                    names,
                    list,
                    no_wait,
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Solution {
            lab,
            mutant,
            alternative,
            save,
            description,
        } => {
            solution::run(
                &workbook()?,
                &solution::Request {
                    lab,
                    mutant,
                    alternative,
                    save,
                    description,
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { out } => {
            release::run(&workbook()?, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            labs,
            no_cache,
            repeat,
        } => {
            let options = verify::Options {
                no_cache,
                repeat: usize::from(repeat),
            };
            let list = verify::run(&workbook()?, &labs, &options)?;
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
