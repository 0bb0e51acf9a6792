//! Exercise 6.2: stream data through a child process, writing its stdin while reading its stdout.

use std::process::Command;

use crate::run::RunError;

// ANCHOR: pipe_through
/// Runs `command` with `input` on its stdin, and returns everything it wrote to its stdout.
///
/// The child's stdin, stdout and stderr are pipes. `input` is written to stdin *while* stdout
/// and stderr are both read, so a child that writes as it reads (a filter, like `cat` or `gzip`)
/// never waits for us with a full pipe while we wait for it, whichever of its two output pipes
/// it fills first: any input size works, also far more than a pipe holds. After the last byte
/// of input, stdin is closed, so the child sees the end of its input. The child is always waited
/// for (reaped) before this returns.
///
/// A child may exit without reading all its input. Writing to it then fails with
/// [`std::io::ErrorKind::BrokenPipe`]; that is never an error of its own: the child's exit
/// status says what happened (a child that exits with status 0 gives `Ok`, with what it wrote).
///
/// # Errors
///
/// As [`run`](crate::run::run): [`RunError::NotFound`] or [`RunError::Io`] if the child could not
/// be started (or writing its stdin failed other than with a broken pipe); [`RunError::Exited`]
/// or [`RunError::Killed`] if it did not succeed.
pub fn pipe_through(command: &mut Command, input: &[u8]) -> Result<Vec<u8>, RunError> {
    todo!(
        "6.2: write stdin on a scoped thread while this thread reads the output — see the chapter, Exercise 6.2"
    )
}
// ANCHOR_END: pipe_through
