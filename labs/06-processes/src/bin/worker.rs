//! A pool worker (given code): reads framed tasks on stdin, writes framed replies on stdout,
//! and exits when stdin closes. The pool of Exercises 6.5–6.7 runs this program.
//!
//! It does nothing useful until `write_frame` and `read_frame` (Exercise 6.4) are written.

use std::io;
use std::process::ExitCode;

use lab_processes::protocol;

fn main() -> ExitCode {
    match protocol::serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("worker {}: {error}", std::process::id());
            ExitCode::FAILURE
        }
    }
}
