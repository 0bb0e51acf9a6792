//! Exercise 6.1: `run`, `check_status` and `spawn_error`.

mod common;

use std::io::ErrorKind;
use std::process::{Command, Output};

use common::child;
use lab_processes::run::{RunError, run};
use lab_support::within_patience;

/// `run` of the command that `make` builds, within a bounded wait.
fn run_within_patience(
    what: &str,
    make: impl FnOnce() -> Command + Send + 'static,
) -> Result<Output, RunError> {
    within_patience(&format!("run of {what}"), move || run(&mut make()))
}

#[test]
fn run_returns_the_output_of_a_program_that_succeeds() {
    let output = match run_within_patience("`child print`", || {
        child(&["print", "hello from the child"])
    }) {
        Ok(output) => output,
        Err(error) => panic!("`child print` succeeds, but run returned the error: {error}"),
    };
    assert!(
        output.status.success(),
        "the status of a successful program"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "hello from the child\n",
        "run must capture what the program printed on stdout"
    );
}

#[test]
fn run_reports_a_missing_program_as_not_found() {
    let missing = "/no/such/dir/no-such-program";
    match run_within_patience("a missing program", move || Command::new(missing)) {
        Err(RunError::NotFound { program }) => {
            assert_eq!(program, missing, "NotFound must name the program")
        }
        other => panic!(
            "running a program that does not exist must give RunError::NotFound, not {other:?}"
        ),
    }
}

#[cfg(unix)]
#[test]
fn run_reports_a_program_that_cannot_be_started_as_io() {
    // A file that exists but is not executable: starting it fails with PermissionDenied.
    let not_a_program = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    match run_within_patience("a file that is not executable", move || {
        Command::new(not_a_program)
    }) {
        Err(RunError::Io { program, source }) => {
            assert_eq!(program, not_a_program, "Io must name the program");
            assert_eq!(
                source.kind(),
                ErrorKind::PermissionDenied,
                "Io must carry the operating system's error"
            );
        }
        other => panic!(
            "a file that exists but may not be run is not missing: it must give RunError::Io \
             (with the PermissionDenied error), not {other:?}"
        ),
    }
}

#[test]
fn run_reports_a_failing_program_with_its_code_and_stderr() {
    let error = match run_within_patience("`child fail 3`", || {
        child(&["fail", "3", "the disk is on fire"])
    }) {
        Err(error) => error,
        Ok(output) => panic!("`child fail 3` exits with status 3, but run returned Ok({output:?})"),
    };
    match &error {
        RunError::Exited {
            program,
            code,
            stderr,
        } => {
            assert_eq!(*code, 3, "Exited must carry the program's status code");
            assert!(
                stderr.contains("the disk is on fire"),
                "Exited must carry what the program wrote on stderr, got {stderr:?}"
            );
            assert!(
                program.ends_with("child"),
                "Exited must name the program, got {program:?}"
            );
        }
        other => {
            panic!("a program that exits with status 3 must give RunError::Exited, not {other:?}")
        }
    }
    let message = error.to_string();
    assert!(
        message.contains('3') && message.contains("the disk is on fire"),
        "the message should say what happened, got {message:?}"
    );
}

#[cfg(unix)]
#[test]
fn run_reports_a_program_killed_by_a_signal() {
    match run_within_patience("`child abort`", || child(&["abort"])) {
        Err(RunError::Killed { signal, stderr, .. }) => {
            assert_eq!(
                signal,
                Some(libc::SIGABRT),
                "a program that aborts dies of SIGABRT; Killed must carry the signal"
            );
            assert!(
                stderr.contains("aborting on purpose"),
                "Killed must carry the program's stderr, got {stderr:?}"
            );
        }
        other => panic!(
            "a program killed by a signal has no status code (status.code() is None) and must give \
             RunError::Killed, not {other:?}"
        ),
    }
}
