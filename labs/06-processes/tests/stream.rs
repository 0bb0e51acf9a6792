//! Exercise 6.2: `pipe_through`.

mod common;

use std::process::Command;

use common::{child, pattern};
use lab_processes::run::RunError;
use lab_processes::stream::pipe_through;
use lab_support::within_patience;

/// Far more than a pipe holds (64 KiB on Linux, less on macOS), in both directions at once.
const BIG: usize = 4 << 20;

#[test]
fn pipe_through_streams_more_than_a_pipe_buffer() {
    let input = pattern(BIG);
    let expected = input.clone();
    let output = within_patience("pipe_through of 4 MiB through `child cat`", move || {
        pipe_through(&mut child(&["cat"]), &input)
    });
    match output {
        Ok(output) => assert!(
            output == expected,
            "`child cat` echoes its input: expected {} bytes back, got {} (or different ones)",
            expected.len(),
            output.len()
        ),
        Err(error) => panic!("pipe_through through `child cat` failed: {error}"),
    }
}

#[test]
fn pipe_through_closes_stdin_after_the_input() {
    for input in [&b"hello, pipe"[..], b""] {
        let owned = input.to_vec();
        let output = within_patience(
            "pipe_through of a few bytes through `child cat` (which ends when its stdin is closed)",
            move || pipe_through(&mut child(&["cat"]), &owned),
        );
        match output {
            Ok(output) => assert_eq!(output, input, "`child cat` echoes its input"),
            Err(error) => panic!("pipe_through through `child cat` failed: {error}"),
        }
    }
}

#[test]
fn pipe_through_reports_a_child_that_stops_reading() {
    let input = pattern(BIG);
    let result = within_patience(
        "pipe_through to a child that exits without reading its stdin",
        move || pipe_through(&mut child(&["fail", "3", "no input wanted"]), &input),
    );
    match result {
        Err(RunError::Exited { code, stderr, .. }) => {
            assert_eq!(code, 3, "the child's own status code");
            assert!(
                stderr.contains("no input wanted"),
                "the child's stderr, got {stderr:?}"
            );
        }
        other => panic!(
            "a child that exits with status 3 without reading must give RunError::Exited (a broken \
             pipe while writing its stdin is expected, not an error of its own), not {other:?}"
        ),
    }
}

#[test]
fn pipe_through_reads_stdout_and_stderr_at_the_same_time() {
    // `child noise` first fills its stderr pipe, then echoes its input: reading stdout to the end
    // before stderr (or stderr before stdout) leaves both sides waiting.
    let input = pattern(BIG);
    let expected = input.clone();
    let noise = (1 << 20).to_string();
    let output = within_patience(
        "pipe_through of 4 MiB through a child that first writes 1 MiB on stderr",
        move || pipe_through(&mut child(&["noise", &noise]), &input),
    );
    match output {
        Ok(output) => assert!(
            output == expected,
            "`child noise` echoes its input on stdout: expected {} bytes back, got {}",
            expected.len(),
            output.len()
        ),
        Err(error) => panic!("pipe_through through `child noise` failed: {error}"),
    }
}

#[test]
fn pipe_through_of_a_child_that_succeeds_without_reading_is_ok() {
    let input = pattern(BIG);
    let result = within_patience(
        "pipe_through to a child that exits with status 0 without reading its stdin",
        move || pipe_through(&mut child(&["print", "done early"]), &input),
    );
    match result {
        Ok(output) => assert_eq!(
            String::from_utf8_lossy(&output),
            "done early\n",
            "the child's stdout"
        ),
        Err(error) => panic!(
            "a child that exits with status 0 has succeeded, even if it read none of its input              (the broken pipe while writing to it is not an error of its own), but              pipe_through returned: {error}"
        ),
    }
}

#[test]
fn pipe_through_reports_a_missing_program() {
    let result = within_patience("pipe_through of a missing program", || {
        pipe_through(&mut Command::new("/no/such/dir/no-such-program"), b"input")
    });
    assert!(
        matches!(result, Err(RunError::NotFound { .. })),
        "a program that does not exist must give RunError::NotFound, not {result:?}"
    );
}
