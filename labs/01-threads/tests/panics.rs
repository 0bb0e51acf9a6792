//! Exercise 1.5: `panic_message` and `join_all`.

use std::panic;
use std::thread::{self, JoinHandle};

use lab_support::{ON_PURPOSE, hide_deliberate_panics, within_patience};
use lab_threads::panics::{UNKNOWN_PANIC, WorkerFailed, join_all, panic_message};

/// Runs `f`, which must panic, and returns the panic's payload.
fn payload_of(f: impl FnOnce() + panic::UnwindSafe) -> Box<dyn std::any::Any + Send> {
    hide_deliberate_panics();
    panic::catch_unwind(f).expect_err("the closure was supposed to panic")
}

/// The message of a worker's panic: `text`, marked as caused on purpose.
fn message(text: &str) -> String {
    format!("{text} {ON_PURPOSE}")
}

/// Spawns one worker per entry: `Ok(n)` returns `n`, `Err(text)` panics with a `String`.
fn spawn_workers(plan: &[Result<u64, &str>]) -> Vec<JoinHandle<u64>> {
    hide_deliberate_panics();
    plan.iter()
        .map(|&step| {
            let step = step.map_err(message);
            thread::spawn(move || match step {
                Ok(n) => n,
                Err(text) => panic!("{text}"),
            })
        })
        .collect()
}

/// `join_all`, which joins threads, within a bounded wait.
fn join_all_within_patience(handles: Vec<JoinHandle<u64>>) -> Vec<Result<u64, WorkerFailed>> {
    within_patience("join_all", move || join_all(handles))
}

#[test]
fn panic_message_reads_str_and_string_payloads() {
    let literal = payload_of(|| panic!("disk full (on purpose)"));
    assert_eq!(
        panic_message(&*literal),
        "disk full (on purpose)",
        "`panic!(\"literal\")` carries a &'static str"
    );

    let code = 7;
    let formatted = payload_of(move || panic!("exit code {code} {ON_PURPOSE}"));
    assert_eq!(
        panic_message(&*formatted),
        message("exit code 7"),
        "`panic!(\"{{x}}\")` with arguments carries a String"
    );

    let number = payload_of(|| panic::panic_any(42_i32));
    assert_eq!(
        panic_message(&*number),
        UNKNOWN_PANIC,
        "a payload that is not text gives UNKNOWN_PANIC"
    );
}

#[test]
fn join_all_keeps_the_results_of_workers_that_did_not_panic() {
    let handles = spawn_workers(&[Ok(10), Ok(20), Err("bad row"), Ok(40)]);
    let results = join_all_within_patience(handles);
    assert_eq!(results.len(), 4, "one entry per handle, failed or not");
    let values: Vec<Option<u64>> = results.iter().map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(
        values,
        vec![Some(10), Some(20), None, Some(40)],
        "the healthy workers' results, each in its own place"
    );
}

#[test]
fn join_all_reports_which_worker_panicked_and_why() {
    let handles = spawn_workers(&[Err("first"), Ok(2), Ok(3), Err("fourth")]);
    let failures: Vec<WorkerFailed> = join_all_within_patience(handles)
        .into_iter()
        .filter_map(Result::err)
        .collect();
    assert_eq!(
        failures,
        vec![
            WorkerFailed {
                worker: 0,
                message: message("first")
            },
            WorkerFailed {
                worker: 3,
                message: message("fourth")
            },
        ],
        "each panic reported with the index of its handle and its message"
    );
}
