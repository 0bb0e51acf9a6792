//! Exercise 4.2: `run_job`.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;

use lab_pools::job::run_job;
use lab_pools::{Job, Outcome};
use lab_support::hide_deliberate_panics;

/// Calls `run_job`, failing the test with a plain message if the job's panic escaped from it.
fn run(job: Job) -> Outcome {
    panic::catch_unwind(AssertUnwindSafe(|| run_job(job))).unwrap_or_else(|_| {
        panic!(
            "the job's panic escaped from run_job: run_job must catch it and return \
             Outcome::Panicked"
        )
    })
}

#[test]
fn run_job_runs_the_job_and_reports_it_completed() {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let outcome = run(Box::new(move || flag.store(true, Ordering::SeqCst)));
    assert!(ran.load(Ordering::SeqCst), "run_job must run the job");
    assert_eq!(
        outcome,
        Outcome::Completed,
        "a job that returns normally has completed"
    );
}

#[test]
fn run_job_runs_the_job_on_the_calling_thread() {
    hide_deliberate_panics();
    let (sender, ran_on) = mpsc::channel();
    let for_the_panic = sender.clone();
    run(Box::new(move || {
        let _ = sender.send(thread::current().id());
    }));
    run(Box::new(move || {
        let _ = for_the_panic.send(thread::current().id());
        panic!("job failed (on purpose)");
    }));
    let threads: Vec<_> = ran_on.try_iter().collect();
    assert_eq!(
        threads,
        vec![thread::current().id(); 2],
        "run_job must run the job on the thread that called it (the worker), whether it \
         completes or panics, not on a thread of its own"
    );
}

#[test]
fn run_job_catches_a_panic_and_keeps_its_message() {
    hide_deliberate_panics();
    let outcome = run(Box::new(|| panic!("disk full (on purpose)")));
    assert_eq!(
        outcome,
        Outcome::Panicked("disk full (on purpose)".to_owned()),
        "a panic with a literal message (a &str payload)"
    );

    let row = 7;
    let outcome = run(Box::new(move || {
        panic!("row {row} is malformed (on purpose)")
    }));
    assert_eq!(
        outcome,
        Outcome::Panicked("row 7 is malformed (on purpose)".to_owned()),
        "a panic with a formatted message (a String payload)"
    );
}

#[test]
fn the_thread_that_ran_a_panicking_job_carries_on() {
    hide_deliberate_panics();
    // A worker's loop in miniature: one thread runs job after job, failing or not, and must get
    // through all of them with an outcome for each.
    let outcomes: Vec<Outcome> = (0..4)
        .map(|i| {
            run(Box::new(move || {
                if i % 2 == 0 {
                    panic!("job {i} failed (on purpose)");
                }
            }))
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            Outcome::Panicked("job 0 failed (on purpose)".to_owned()),
            Outcome::Completed,
            Outcome::Panicked("job 2 failed (on purpose)".to_owned()),
            Outcome::Completed,
        ],
        "one outcome per job, in order: a panic in one job changes nothing for the next"
    );
}
