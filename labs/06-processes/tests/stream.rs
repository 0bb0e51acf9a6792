//! Exercise 6.2: `pipe_through`.

mod common;

use std::process::Command;

use common::{PATIENCE, child, finishes, pattern};
use lab_processes::run::RunError;
use lab_processes::stream::pipe_through;

/// Far more than a pipe holds (64 KiB on Linux, less on macOS), in both directions at once.
const BIG: usize = 4 << 20;

#[test]
fn pipe_through_streams_more_than_a_pipe_buffer() {
    let input = pattern(BIG);
    let expected = input.clone();
    let output = finishes(
        "pipe_through of 4 MiB through `child cat`",
        PATIENCE,
        move || pipe_through(&mut child(&["cat"]), &input),
    );
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
        let output = finishes(
            "pipe_through of a few bytes through `child cat` (which ends when its stdin is closed)",
            PATIENCE,
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
    let result = finishes(
        "pipe_through to a child that exits without reading its stdin",
        PATIENCE,
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
fn pipe_through_reports_a_missing_program() {
    let result = finishes("pipe_through of a missing program", PATIENCE, || {
        pipe_through(&mut Command::new("/no/such/dir/no-such-program"), b"input")
    });
    assert!(
        matches!(result, Err(RunError::NotFound { .. })),
        "a program that does not exist must give RunError::NotFound, not {result:?}"
    );
}
