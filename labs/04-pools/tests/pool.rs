//! Exercise 4.3: `ThreadPool::new`, `execute`, the worker loop, and shutdown.

mod common;

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use common::{
    Flags, PATIENCE, Rendezvous, all_distinct, hide_deliberate_panics, lock, within_patience,
};
use lab_pools::{PoolError, ThreadPool};

/// Builds a pool, failing the test if that fails.
fn pool_of(workers: usize) -> ThreadPool {
    ThreadPool::new(workers).unwrap_or_else(|e| panic!("ThreadPool::new({workers}) failed: {e}"))
}

#[test]
fn a_pool_needs_at_least_one_worker() {
    match ThreadPool::new(0) {
        Err(PoolError::ZeroWorkers) => {}
        Err(other) => panic!("new(0) must fail with ZeroWorkers, not {other:?}"),
        Ok(_) => panic!("new(0) must be an error: a pool without workers would never run a job"),
    }
    let pool = pool_of(1);
    assert_eq!(pool.workers(), 1);
    within_patience("dropping a pool of one worker", move || drop(pool));
}

// ANCHOR: barrier
#[test]
fn n_jobs_that_wait_for_each_other_all_finish_on_n_workers() {
    const WORKERS: usize = 4;
    let pool = pool_of(WORKERS);
    assert_eq!(pool.workers(), WORKERS);

    // Each job waits until all four are running. That only ends if the pool really runs four
    // jobs at the same time, on four different threads.
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let (sender, finished) = mpsc::channel();
    for _ in 0..WORKERS {
        let rendezvous = Arc::clone(&rendezvous);
        let sender = sender.clone();
        pool.execute(move || {
            let _ = sender.send(rendezvous.meet());
        });
    }

    let mut threads = Vec::new();
    for _ in 0..WORKERS {
        match finished.recv_timeout(PATIENCE) {
            Ok(id) => threads.push(id),
            Err(_) => panic!(
                "only {} of {WORKERS} jobs finished within {PATIENCE:?}: were they all running \
                 at once, on {WORKERS} workers?",
                threads.len()
            ),
        }
    }
    assert!(all_distinct(&threads), "each job ran on its own worker");
    assert!(
        !threads.contains(&thread::current().id()),
        "execute must hand the job to a worker, not run it on the caller's thread"
    );
}
// ANCHOR_END: barrier

#[test]
fn a_pool_of_one_runs_jobs_in_the_order_they_were_queued() {
    let pool = pool_of(1);
    let log = Arc::new(Mutex::new(Vec::new()));
    for id in 0..100 {
        let log = Arc::clone(&log);
        pool.execute(move || lock(&log).push(id));
    }
    within_patience("dropping the pool", move || drop(pool));
    assert_eq!(
        *lock(&log),
        (0..100).collect::<Vec<_>>(),
        "one worker takes the jobs first in, first out, and every one runs before drop returns"
    );
}

// ANCHOR: no_job_lost
#[test]
fn dropping_the_pool_runs_every_queued_job() {
    const WORKERS: usize = 2;
    const QUEUED: usize = 200;
    let pool = pool_of(WORKERS);
    let ran = Arc::new(AtomicUsize::new(0));

    // Keep both workers busy until the gate opens, so the other jobs pile up in the queue.
    let gate = Arc::new(Flags::new(1));
    for _ in 0..WORKERS {
        let gate = Arc::clone(&gate);
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            assert!(gate.wait_for(0), "the test never opened the gate");
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    for _ in 0..QUEUED {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    gate.raise(0);
    within_patience("dropping the pool", move || drop(pool));

    assert_eq!(
        ran.load(Ordering::SeqCst),
        WORKERS + QUEUED,
        "every job queued before the drop must have run by the time drop returns"
    );
    assert_eq!(
        Arc::strong_count(&ran),
        1,
        "every job (and the Arc it held) must be gone once the pool is dropped"
    );
}
// ANCHOR_END: no_job_lost

/// Lives in a thread-local of a worker thread, and counts down `alive` when that thread ends.
struct ExitWatch(Arc<AtomicUsize>);

impl Drop for ExitWatch {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static WATCH: RefCell<Option<ExitWatch>> = const { RefCell::new(None) };
}

#[test]
fn every_worker_thread_has_ended_when_drop_returns() {
    const WORKERS: usize = 3;
    let pool = pool_of(WORKERS);
    let alive = Arc::new(AtomicUsize::new(0));

    // One job per worker (they meet, so no worker can take two), each leaving a watch in its
    // worker's thread-local storage. A thread's thread-locals are dropped when it ends.
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let (sender, installed) = mpsc::channel();
    for _ in 0..WORKERS {
        let alive = Arc::clone(&alive);
        let rendezvous = Arc::clone(&rendezvous);
        let sender = sender.clone();
        pool.execute(move || {
            rendezvous.meet();
            alive.fetch_add(1, Ordering::SeqCst);
            WATCH.with(|watch| *watch.borrow_mut() = Some(ExitWatch(alive)));
            let _ = sender.send(());
        });
    }
    for _ in 0..WORKERS {
        installed
            .recv_timeout(PATIENCE)
            .expect("every worker should have run one job");
    }

    within_patience("dropping the pool", move || drop(pool));
    assert_eq!(
        alive.load(Ordering::SeqCst),
        0,
        "drop returned while worker threads were still running: it must join every worker"
    );
    assert_eq!(Arc::strong_count(&alive), 1, "no worker thread is left");
}

#[test]
fn shutdown_runs_the_queued_jobs_and_counts_them() {
    let pool = pool_of(3);
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..50 {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    let report = within_patience("shutdown", move || pool.shutdown());
    assert_eq!(ran.load(Ordering::SeqCst), 50, "every queued job ran");
    assert_eq!(
        report.completed, 50,
        "the report counts every completed job"
    );
    assert!(report.panicked.is_empty(), "no job panicked");
}

// ANCHOR: resilience
#[test]
fn a_panicking_job_does_not_cost_the_pool_a_worker() {
    hide_deliberate_panics();
    const WORKERS: usize = 2;
    let pool = pool_of(WORKERS);
    for i in 0..WORKERS {
        pool.execute(move || panic!("job {i} failed (on purpose)"));
    }

    // After as many panics as there are workers, the pool must still run WORKERS jobs at once.
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let (sender, finished) = mpsc::channel();
    for _ in 0..WORKERS {
        let rendezvous = Arc::clone(&rendezvous);
        let sender = sender.clone();
        pool.execute(move || {
            let _ = sender.send(rendezvous.meet());
        });
    }
    let threads: Vec<_> = (0..WORKERS)
        .map(|done| {
            finished.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                panic!(
                    "after {WORKERS} jobs panicked, only {done} of {WORKERS} later jobs ran: \
                     a panic must not end its worker"
                )
            })
        })
        .collect();
    assert!(
        all_distinct(&threads),
        "the pool still has {WORKERS} workers"
    );

    let mut report = within_patience("shutdown", move || pool.shutdown());
    report.panicked.sort();
    assert_eq!(
        report.panicked,
        vec!["job 0 failed (on purpose)", "job 1 failed (on purpose)"],
        "shutdown reports every panic with its message"
    );
    assert_eq!(
        report.completed, WORKERS,
        "and counts the jobs that completed"
    );
}
// ANCHOR_END: resilience
