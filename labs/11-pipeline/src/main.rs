//! The pipeline program: `cargo run -p lab-pipeline -- --help`. Everything but the parsing of the
//! command line is in `app.rs` (Exercise 11.6).

use std::process::ExitCode;

use clap::Parser;
use lab_pipeline::app::{Args, main as run_program};

fn main() -> ExitCode {
    run_program(Args::parse())
}
