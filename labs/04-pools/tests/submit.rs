//! Exercise 4.4: `ThreadPool::submit` and `Handle::join`.

mod common;

use std::sync::Arc;
use std::thread;

use common::{Rendezvous, all_distinct, hide_deliberate_panics, within_patience};
use lab_pools::{JobPanicked, ThreadPool};

fn pool_of(workers: usize) -> ThreadPool {
    ThreadPool::new(workers).unwrap_or_else(|e| panic!("ThreadPool::new({workers}) failed: {e}"))
}

/// Panics with `message`: a job that returns `()` and fails.
fn fail(message: &str) {
    panic!("{message}");
}

#[test]
fn join_returns_the_value_the_job_returned() {
    let pool = pool_of(2);
    let answer = pool.submit(|| 6 * 7);
    let greeting = pool.submit(|| String::from("hello from the pool"));
    assert_eq!(within_patience("join", move || answer.join()), Ok(42));
    assert_eq!(
        within_patience("join", move || greeting.join()),
        Ok("hello from the pool".to_owned())
    );
}

#[test]
fn each_handle_gets_its_own_jobs_result_whatever_the_join_order() {
    let pool = pool_of(3);
    let handles: Vec<_> = (0..20_u64).map(|i| pool.submit(move || i * i)).collect();
    let squares = within_patience("joining 20 handles", move || {
        handles
            .into_iter()
            .rev()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });
    let expected: Vec<Result<u64, JobPanicked>> = (0..20).rev().map(|i| Ok(i * i)).collect();
    assert_eq!(squares, expected, "handle i must give job i's result");
}

#[test]
fn submitted_jobs_run_on_the_workers_at_the_same_time() {
    const WORKERS: usize = 3;
    let pool = pool_of(WORKERS);
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let rendezvous = Arc::clone(&rendezvous);
            pool.submit(move || rendezvous.meet())
        })
        .collect();
    let threads: Vec<_> = handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .unwrap_or_else(|failed| panic!("a submitted job failed: {}", failed.message))
        })
        .collect();
    assert!(all_distinct(&threads), "each job ran on its own worker");
    assert!(
        !threads.contains(&thread::current().id()),
        "submit must queue the job for a worker, not run it on the caller's thread"
    );
}

// ANCHOR: join_panic
#[test]
fn join_reports_a_panicking_job_with_its_message() {
    hide_deliberate_panics();
    let pool = pool_of(2);
    let file = "report.csv";
    let failing = pool.submit(move || -> u32 { panic!("no such file: {file} (on purpose)") });
    assert_eq!(
        within_patience("join", move || failing.join()),
        Err(JobPanicked {
            message: "no such file: report.csv (on purpose)".to_owned()
        }),
        "join must return the job's own panic message"
    );
    let later = pool.submit(|| 1);
    assert_eq!(
        within_patience("join", move || later.join()),
        Ok(1),
        "the pool keeps working after a job panicked"
    );
}
// ANCHOR_END: join_panic

#[test]
fn a_submitted_job_that_panics_is_in_the_shutdown_report() {
    hide_deliberate_panics();
    let pool = pool_of(2);
    let failing = pool.submit(|| fail("checksum mismatch (on purpose)"));
    let fine = pool.submit(|| ());
    let report = within_patience("shutdown", move || {
        let results = (failing.join(), fine.join());
        (results, pool.shutdown())
    });
    let ((failing, fine), report) = report;
    assert!(failing.is_err(), "the panicking job's handle gives Err");
    assert_eq!(fine, Ok(()));
    assert_eq!(
        report.panicked,
        vec!["checksum mismatch (on purpose)"],
        "after sending the panic to the handle, submit's job must re-raise it \
         (std::panic::resume_unwind) so the worker counts it like any other panic"
    );
    assert_eq!(report.completed, 1, "one job completed");
}
