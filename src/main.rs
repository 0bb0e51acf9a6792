//! `cargo lab`: the concurrency workbook's own tool.
//!
//! Run it through the Cargo alias in `.cargo/config.toml`: `cargo lab status`, `cargo lab verify`.

mod cargo;
mod checklist;
mod manifest;
mod runner;
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
}

fn main() -> ExitCode {
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
