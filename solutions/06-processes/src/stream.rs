use crate::run::check_status;
use crate::run::program_name;
use crate::run::spawn_error;
use std::io;
use std::io::ErrorKind;
use std::io::Write;
use std::process::ChildStdin;
use std::process::Stdio;
use std::thread;

pub fn pipe_through(command: &mut Command, input: &[u8]) -> Result<Vec<u8>, RunError> {
    let program = program_name(command);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| spawn_error(program.clone(), error))?;
    let stdin = child.stdin.take().expect("stdin was set to Stdio::piped()");

    let (written, output) = thread::scope(|s| {
        let writer = s.spawn(move || feed(stdin, input));
        // Reads stdout and stderr to their ends, then reaps the child.
        let output = child.wait_with_output();
        (writer.join(), output)
    });
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
