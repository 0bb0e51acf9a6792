//! Exercise 4.3: `ThreadPool::new`, `execute`, the worker loop, and shutdown.

mod common;

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use common::{Gate, Log, TestPool, read, worker_ids};
use lab_pools::{PoolError, ThreadPool};
use lab_support::{PATIENCE, Rendezvous, all_distinct, hide_deliberate_panics, lock, wait_until};

#[test]
fn a_pool_needs_at_least_one_worker() {
    match ThreadPool::new(0) {
        Err(PoolError::ZeroWorkers) => {}
        Err(other) => panic!("new(0) must fail with ZeroWorkers, not {other:?}"),
        Ok(pool) => {
            // Not dropped: a pool without workers may never finish shutting down.
            std::mem::forget(pool);
            panic!("new(0) must be an error: a pool without workers would never run a job")
        }
    }
    let pool = TestPool::new(1);
    assert_eq!(
        pool.workers(),
        1,
        "ThreadPool::new(1) starts one worker, and workers() says so"
    );
}

// ANCHOR: barrier
#[test]
fn n_jobs_that_wait_for_each_other_all_finish_on_n_workers() {
    const WORKERS: usize = 4;
    let pool = TestPool::new(WORKERS);
    assert_eq!(
        pool.workers(),
        WORKERS,
        "ThreadPool::new({WORKERS}) starts {WORKERS} workers, and workers() says so"
    );

    // Each job waits until all four are running. That only ends if the pool really runs four
    // jobs at the same time, on four different threads.
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let (sender, finished) = mpsc::channel();
    for _ in 0..WORKERS {
        let rendezvous = Arc::clone(&rendezvous);
        let sender = sender.clone();
        pool.execute(move || {
            let _ = sender.send(rendezvous.meet("jobs"));
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
    assert!(
        all_distinct(&threads),
        "four jobs running at once must run on four different workers"
    );
    assert!(
        !threads.contains(&thread::current().id()),
        "execute must hand the job to a worker, not run it on the caller's thread"
    );
}
// ANCHOR_END: barrier

#[test]
fn every_job_runs_on_one_of_the_pools_workers() {
    const WORKERS: usize = 2;
    const JOBS: usize = 20;
    let pool = TestPool::new(WORKERS);
    let workers = worker_ids(&pool);

    let (sender, ran_on) = mpsc::channel();
    for _ in 0..JOBS {
        let sender = sender.clone();
        pool.execute(move || {
            let _ = sender.send(thread::current().id());
        });
    }
    for done in 0..JOBS {
        let thread = ran_on
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("only {done} of {JOBS} jobs ran within {PATIENCE:?}"));
        assert!(
            workers.contains(&thread),
            "a job ran on a thread that is not one of the pool's {WORKERS} workers: the workers \
             themselves must run the jobs (not a thread started for each job, nor the caller)"
        );
    }
}

#[test]
fn a_pool_of_one_runs_jobs_in_the_order_they_were_queued() {
    const QUEUED: usize = 100;
    let pool = TestPool::new(1);
    let gate = Gate::new(1);
    pool.execute(gate.job(0, thread::current().id()));
    gate.wait_until_all_started();

    // The only worker is busy, so these jobs wait in the queue, in the order they were queued.
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let (sender, done) = mpsc::channel();
    for id in 0..QUEUED {
        let log = Arc::clone(&log);
        let sender = sender.clone();
        pool.execute(move || {
            lock(&log).push(id);
            let _ = sender.send(());
        });
    }
    assert_eq!(
        pool.monitor().queued(),
        QUEUED,
        "the worker is busy with the first job, so the other {QUEUED} must be waiting in the \
         queue"
    );
    gate.open();
    for finished in 0..QUEUED {
        done.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!("only {finished} of {QUEUED} queued jobs ran within {PATIENCE:?}")
        });
    }
    assert_eq!(
        read(&log),
        (0..QUEUED).collect::<Vec<_>>(),
        "one worker takes the jobs first in, first out"
    );
}

// ANCHOR: no_job_lost
#[test]
fn dropping_the_pool_runs_every_queued_job() {
    const WORKERS: usize = 2;
    const QUEUED: usize = 100;
    let pool = TestPool::new(WORKERS);
    let ran = Arc::new(AtomicUsize::new(0));

    // Keep both workers busy until the gate opens, so the other jobs stay in the queue.
    let gate = Gate::new(WORKERS);
    for index in 0..WORKERS {
        pool.execute(gate.job(index, thread::current().id()));
    }
    gate.wait_until_all_started();
    for _ in 0..QUEUED {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    let queue = pool.monitor();
    assert_eq!(
        queue.queued(),
        QUEUED,
        "both workers are busy, so all {QUEUED} jobs must be waiting in the queue"
    );

    // Drop the pool while the jobs are queued, and let the workers go only once the queue is
    // closed: every queued job must still run.
    let dropping = pool.drop_in_background();
    wait_until(
        "after the drop started, the pool's queue was to be closed (close the queue first, \
         then join the workers)",
        || queue.is_closed(),
    );
    assert_eq!(
        queue.queued(),
        QUEUED,
        "closing the queue must keep the {QUEUED} jobs that were waiting in it"
    );
    gate.open();
    dropping.wait();

    assert_eq!(
        ran.load(Ordering::SeqCst),
        QUEUED,
        "every job queued before the drop must have run by the time drop returns, including \
         those still queued when the queue was closed"
    );
    assert_eq!(
        queue.queued(),
        0,
        "no job may be left in the queue after the drop"
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
    let pool = TestPool::new(WORKERS);
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
            rendezvous.meet("jobs, one per worker,");
            alive.fetch_add(1, Ordering::SeqCst);
            WATCH.with(|watch| *watch.borrow_mut() = Some(ExitWatch(alive)));
            let _ = sender.send(());
        });
    }
    for done in 0..WORKERS {
        installed.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!("only {done} of {WORKERS} workers ran their job within {PATIENCE:?}")
        });
    }

    pool.drop_in_background().wait();
    assert_eq!(
        alive.load(Ordering::SeqCst),
        0,
        "drop returned while worker threads were still running: it must join every worker"
    );
    assert_eq!(Arc::strong_count(&alive), 1, "no worker thread is left");
}

#[test]
fn shutdown_runs_the_queued_jobs_and_counts_them() {
    const WORKERS: usize = 3;
    const MORE: usize = 50;
    let pool = TestPool::new(WORKERS);
    // One job on each worker first, so that every worker has something to report.
    let first = worker_ids(&pool);
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..MORE {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    let report = pool.shutdown();
    assert_eq!(
        ran.load(Ordering::SeqCst),
        MORE,
        "every job queued before shutdown ran"
    );
    assert_eq!(
        report.completed,
        first.len() + MORE,
        "the report counts every completed job of every worker: one each on the {WORKERS} \
         workers, then {MORE} more (shutdown must join every worker and add up their reports)"
    );
    assert!(
        report.panicked.is_empty(),
        "no job panicked, so the report lists no panic, but it has {:?}",
        report.panicked
    );
}

// ANCHOR: resilience
#[test]
fn a_panicking_job_does_not_cost_the_pool_a_worker() {
    hide_deliberate_panics();
    const WORKERS: usize = 2;
    let pool = TestPool::new(WORKERS);
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
            let _ = sender.send(rendezvous.meet("jobs after the panics"));
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
        "the pool still has {WORKERS} workers after {WORKERS} panics"
    );

    let mut report = pool.shutdown();
    report.panicked.sort();
    assert_eq!(
        report.panicked,
        vec!["job 0 failed (on purpose)", "job 1 failed (on purpose)"],
        "shutdown reports every panic with its message"
    );
    assert_eq!(
        report.completed, WORKERS,
        "and counts the {WORKERS} jobs that completed"
    );
}
// ANCHOR_END: resilience
