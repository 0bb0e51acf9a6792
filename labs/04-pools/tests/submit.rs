//! Exercise 4.4: `ThreadPool::submit` and `Handle::join`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{Gate, TestPool, worker_ids};
use lab_pools::JobPanicked;
use lab_support::{Rendezvous, all_distinct, hide_deliberate_panics, within_patience};

/// Panics with `message`: a job that returns `()` and fails.
fn fail(message: &str) {
    panic!("{message}");
}

#[test]
fn join_returns_the_value_the_job_returned() {
    let pool = TestPool::new(2);
    let answer = pool.submit(|| 6 * 7);
    let greeting = pool.submit(|| String::from("hello from the pool"));
    assert_eq!(
        within_patience("joining the handle of a job that returns 42", move || {
            answer.join()
        }),
        Ok(42),
        "join returns Ok with the job's value"
    );
    assert_eq!(
        within_patience(
            "joining the handle of a job that returns a String",
            move || { greeting.join() }
        ),
        Ok("hello from the pool".to_owned()),
        "join returns Ok with the job's value, whatever its type"
    );
}

#[test]
fn each_handle_gets_its_own_jobs_result_whatever_the_join_order() {
    let pool = TestPool::new(3);
    let handles: Vec<_> = (0..20_u64).map(|i| pool.submit(move || i * i)).collect();
    let squares = within_patience("joining 20 handles, last one first", move || {
        handles
            .into_iter()
            .rev()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });
    let expected: Vec<Result<u64, JobPanicked>> = (0..20).rev().map(|i| Ok(i * i)).collect();
    assert_eq!(
        squares, expected,
        "handle i must give job i's result (i * i), whatever order the handles are joined in"
    );
}

#[test]
fn submitted_jobs_run_on_the_pools_workers_at_the_same_time() {
    const WORKERS: usize = 3;
    let pool = TestPool::new(WORKERS);
    let workers = worker_ids(&pool);
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let rendezvous = Arc::clone(&rendezvous);
            pool.submit(move || rendezvous.meet("submitted jobs"))
        })
        .collect();
    let threads = within_patience("joining the handles of 3 submitted jobs", move || {
        handles
            .into_iter()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });
    let threads: Vec<_> = threads
        .into_iter()
        .map(|thread| {
            thread.unwrap_or_else(|failed| panic!("a submitted job failed: {}", failed.message))
        })
        .collect();
    assert!(
        all_distinct(&threads),
        "three jobs running at once must run on three different workers"
    );
    assert!(
        threads.iter().all(|thread| workers.contains(thread)),
        "a submitted job ran on a thread that is not one of the pool's workers: submit must \
         queue the job for the workers (with execute), not start a thread for it or run it on \
         the caller's thread"
    );
}

// ANCHOR: join_panic
#[test]
fn join_reports_a_panicking_job_with_its_message() {
    hide_deliberate_panics();
    let pool = TestPool::new(2);
    let file = "report.csv";
    let failing = pool.submit(move || -> u32 { panic!("no such file: {file} (on purpose)") });
    assert_eq!(
        within_patience("joining the handle of a job that panics", move || {
            failing.join()
        }),
        Err(JobPanicked {
            message: "no such file: report.csv (on purpose)".to_owned()
        }),
        "join must return the job's own panic message"
    );
    let later = pool.submit(|| 1);
    assert_eq!(
        within_patience("joining a job submitted after the panic", move || later
            .join()),
        Ok(1),
        "the pool keeps working after a job panicked"
    );
}
// ANCHOR_END: join_panic

#[test]
fn a_submitted_job_that_panics_is_in_the_shutdown_report() {
    hide_deliberate_panics();
    let pool = TestPool::new(2);
    let failing = pool.submit(|| fail("checksum mismatch (on purpose)"));
    let fine = pool.submit(|| ());
    let (failing, fine) =
        within_patience("joining two handles", move || (failing.join(), fine.join()));
    assert!(failing.is_err(), "the panicking job's handle gives Err");
    assert_eq!(fine, Ok(()), "the other job's handle gives Ok");
    let report = pool.shutdown();
    assert_eq!(
        report.panicked,
        vec!["checksum mismatch (on purpose)"],
        "after sending the panic to the handle, submit's job must re-raise it \
         (std::panic::resume_unwind) so the worker counts it like any other panic"
    );
    assert_eq!(
        report.completed, 1,
        "the job that returned normally counts as completed"
    );
}

#[test]
fn dropping_a_handle_does_not_cancel_its_job() {
    hide_deliberate_panics();
    let pool = TestPool::new(1);
    let ran = Arc::new(AtomicUsize::new(0));
    // The job cannot finish before the gate opens, and the handle is dropped before that.
    let gate = Gate::new(1);
    let blocking = gate.job(0, thread::current().id());
    let counter = Arc::clone(&ran);
    let handle = pool.submit(move || {
        blocking();
        counter.fetch_add(1, Ordering::SeqCst);
        "a result nobody will read"
    });
    gate.wait_until_all_started();
    drop(handle);
    gate.open();

    let report = pool.shutdown();
    assert_eq!(
        ran.load(Ordering::SeqCst),
        1,
        "the job ran to the end although its handle was dropped"
    );
    assert_eq!(
        (report.completed, report.panicked),
        (1, Vec::<String>::new()),
        "a job whose handle was dropped still completes normally: its result is thrown away \
         quietly (a failed send is not an error), and it counts as completed"
    );
}
