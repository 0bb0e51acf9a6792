//! Exercise 6.1: run a program, and say precisely what went wrong when it fails.

use std::error::Error;
use std::fmt;
use std::io;
use std::process::{Command, ExitStatus, Output};

// ANCHOR: run_error
/// Why running a program failed. Every case names the program.
#[derive(Debug)]
pub enum RunError {
    /// There is no such program (the operating system said "not found").
    NotFound { program: String },
    /// The program could not be started for another reason (no permission, too many processes,
    /// …), or talking to it failed.
    Io { program: String, source: io::Error },
    /// The program ran and exited with a status code other than 0.
    Exited {
        program: String,
        code: i32,
        stderr: String,
    },
    /// The program did not exit by itself: something killed it. On Unix `signal` is the signal
    /// that did (for example 9 for `SIGKILL`, 6 for `SIGABRT`); elsewhere it is `None`.
    Killed {
        program: String,
        signal: Option<i32>,
        stderr: String,
    },
}
// ANCHOR_END: run_error

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotFound { program } => write!(f, "`{program}`: no such program"),
            RunError::Io { program, source } => write!(f, "`{program}`: {source}"),
            RunError::Exited {
                program,
                code,
                stderr,
            } => {
                write!(f, "`{program}` exited with status {code}")?;
                write_stderr(f, stderr)
            }
            RunError::Killed {
                program,
                signal: Some(signal),
                stderr,
            } => {
                write!(f, "`{program}` was killed by signal {signal}")?;
                write_stderr(f, stderr)
            }
            RunError::Killed {
                program,
                signal: None,
                stderr,
            } => {
                write!(f, "`{program}` was killed")?;
                write_stderr(f, stderr)
            }
        }
    }
}

fn write_stderr(f: &mut fmt::Formatter<'_>, stderr: &str) -> fmt::Result {
    match stderr.trim() {
        "" => Ok(()),
        text => write!(f, ": {text}"),
    }
}

impl Error for RunError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            RunError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The program a command runs, as text, for error messages.
pub fn program_name(command: &Command) -> String {
    command.get_program().to_string_lossy().into_owned()
}

/// The signal that ended a process, if a signal did (always `None` outside Unix).
pub fn signal_of(status: ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        std::os::unix::process::ExitStatusExt::signal(&status)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}

// ANCHOR: run
/// Turns an I/O error from running `program` (starting it, or talking to it) into a
/// [`RunError`]: [`RunError::NotFound`] when the error's kind is [`io::ErrorKind::NotFound`],
/// [`RunError::Io`] for every other kind (for example [`io::ErrorKind::PermissionDenied`], for a
/// file that is not executable).
pub fn spawn_error(program: String, error: io::Error) -> RunError {
    todo!("6.1: tell \"not found\" apart from other I/O errors — see the chapter, Exercise 6.1")
}

/// Checks how the program that produced `output` ended: `Ok(output)` if it exited with status 0,
/// [`RunError::Exited`] with its status code if it exited with another one, and
/// [`RunError::Killed`] if it has no status code because it was killed. Both errors carry the
/// program's stderr (as lossy UTF-8).
pub fn check_status(program: String, output: Output) -> Result<Output, RunError> {
    todo!(
        "6.1: look at output.status: success, a code, or no code at all — see the chapter, Exercise 6.1"
    )
}

/// Runs `command` to the end with its stdout and stderr captured (and no stdin), and returns its
/// output if it succeeded.
///
/// # Errors
///
/// [`RunError::NotFound`] or [`RunError::Io`] (see [`spawn_error`]) if it could not be started,
/// or if reading its output or waiting for it failed; [`RunError::Exited`] or
/// [`RunError::Killed`] if it did not succeed (see [`check_status`]).
pub fn run(command: &mut Command) -> Result<Output, RunError> {
    todo!(
        "6.1: run the command with Command::output, then classify — see the chapter, Exercise 6.1"
    )
}
// ANCHOR_END: run
