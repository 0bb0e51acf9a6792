//! Exercise 6.2: stream data through a child process, writing its stdin while reading its stdout.

use std::io::{self, ErrorKind, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::thread;

use crate::run::{RunError, check_status, program_name, spawn_error};

// ANCHOR: pipe_through
/// Runs `command` with `input` on its stdin, and returns everything it wrote to its stdout.
///
/// The child's stdin, stdout and stderr are pipes. `input` is written to stdin *while* stdout
/// and stderr are read, so a child that writes as it reads (a filter, like `cat` or `gzip`)
/// never waits for us with a full pipe while we wait for it: any input size works, also far
/// more than a pipe holds. After the last byte of input, stdin is closed, so the child sees the
/// end of its input. The child is always waited for (reaped) before this returns.
///
/// A child may exit without reading all its input. Writing to it then fails with
/// [`std::io::ErrorKind::BrokenPipe`]; that is not an error of its own: the child's exit status
/// says what happened.
///
/// # Errors
///
/// As [`run`](crate::run::run): [`RunError::NotFound`] or [`RunError::Io`] if the child could not
/// be started (or writing its stdin failed other than with a broken pipe); [`RunError::Exited`]
/// or [`RunError::Killed`] if it did not succeed.
pub fn pipe_through(command: &mut Command, input: &[u8]) -> Result<Vec<u8>, RunError> {
    let program = program_name(command);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| spawn_error(program.clone(), error))?;
    let mut stdin = child.stdin.take().expect("stdin was set to Stdio::piped()");
    let mut stdout = child.stdout.take().expect("stdout was set to Stdio::piped()");

    let (written, output) = thread::scope(|s| {
        let stdin = &mut stdin;
        let writer = s.spawn(move || match stdin.write_all(input) {
            Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
            result => result,
        });
        let mut out = Vec::new();
        let read = stdout.read_to_end(&mut out);
        let output = read.and_then(|_| child.wait_with_output()).map(|mut output| {
            output.stdout = out;
            output
        });
        (writer.join(), output)
    });
    drop(stdin);
    let output = output.map_err(|source| RunError::Io {
        program: program.clone(),
        source,
    })?;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(source)) => return Err(RunError::Io { program, source }),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    check_status(program, output).map(|output| output.stdout)
}

/// Writes all of `input` to a child's stdin, then closes it (by dropping `stdin`). A child that
/// stopped reading is not an error here: its exit status tells the story.
fn feed(mut stdin: ChildStdin, input: &[u8]) -> io::Result<()> {
    match stdin.write_all(input) {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}
// ANCHOR_END: pipe_through
