//! Helpers for this lab's tests only. This folder is not a test target of its own. The general
//! helpers (bounded waits, the rendezvous, flags) come from `lab_support`.
//!
//! Every wait here is bounded by [`PATIENCE`]: a pool that never finishes a call or never shuts
//! down fails the test with a message saying what it was waiting for, also under a plain
//! `cargo test`.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::mem;
use std::ops::Deref;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use lab_pools::{ShutdownReport, ThreadPool};
use lab_support::{Flags, PATIENCE, Rendezvous, lock, within, within_patience};

/// A pool under test. It derefs to the [`ThreadPool`], so the test calls `execute`, `submit` and
/// `monitor` on it directly (they return at once). Calls that wait go through
/// [`TestPool::within_patience`], and the pool is dropped within [`PATIENCE`] too: at the end
/// of the test, by [`TestPool::shutdown`], or by [`TestPool::drop_in_background`].
///
/// If the test is already failing, the pool is left alone instead of dropped, so that a pool
/// that cannot shut down does not hide the first failure behind a hang.
pub struct TestPool {
    pool: Option<Arc<ThreadPool>>,
    workers: usize,
}

impl TestPool {
    /// A pool of `workers` workers; fails the test if `ThreadPool::new` fails or does not return
    /// within [`PATIENCE`] (it must start the workers, not run their loop itself).
    pub fn new(workers: usize) -> TestPool {
        let pool = within_patience(&format!("ThreadPool::new({workers})"), move || {
            ThreadPool::new(workers)
        })
        .unwrap_or_else(|e| panic!("ThreadPool::new({workers}) failed: {e}"));
        TestPool {
            pool: Some(Arc::new(pool)),
            workers,
        }
    }

    /// Runs `op` with the pool on a helper thread and returns what it returns, or fails the
    /// test, saying that `what` did not finish, after twice [`PATIENCE`] (so that a job that
    /// waits in vain, for [`PATIENCE`], fails first, with its own message). A panic in `op`
    /// goes on to the caller with its payload.
    pub fn within_patience<R: Send + 'static>(
        &self,
        what: &str,
        op: impl FnOnce(&ThreadPool) -> R + Send + 'static,
    ) -> R {
        let pool = Arc::clone(self.pool.as_ref().expect("the pool is still there"));
        // The helper's clone of the `Arc` is dropped when `op` returns, before the result is
        // handed back: the test holds the only one again once this returns.
        within(what, 2 * PATIENCE, move || op(&pool))
    }

    /// Shuts the pool down within [`PATIENCE`] and returns its report.
    pub fn shutdown(mut self) -> ShutdownReport {
        let pool = self.take();
        let what = format!("shutdown() of a pool of {} workers", self.workers);
        within_patience(&what, move || match Arc::try_unwrap(pool) {
            Ok(pool) => pool.shutdown(),
            Err(_) => panic!("the test still shares the pool, so it cannot shut it down"),
        })
    }

    /// Starts dropping the pool on another thread and returns at once; wait for the drop with
    /// [`Dropping::wait`].
    pub fn drop_in_background(mut self) -> Dropping {
        let pool = self.take();
        let (done, finished) = mpsc::channel();
        thread::spawn(move || {
            drop(pool);
            let _ = done.send(());
        });
        Dropping {
            finished,
            workers: self.workers,
        }
    }

    fn take(&mut self) -> Arc<ThreadPool> {
        self.pool.take().expect("the pool is still there")
    }
}

impl Deref for TestPool {
    type Target = ThreadPool;

    fn deref(&self) -> &ThreadPool {
        self.pool.as_ref().expect("the pool is still there")
    }
}

impl Drop for TestPool {
    fn drop(&mut self) {
        let Some(pool) = self.pool.take() else { return };
        if thread::panicking() {
            // The test has failed already; a broken shutdown must not turn that into a hang.
            mem::forget(pool);
        } else {
            let what = format!(
                "dropping a pool of {} workers at the end of the test",
                self.workers
            );
            within_patience(&what, move || drop(pool));
        }
    }
}

/// A drop of a pool that [`TestPool::drop_in_background`] started.
pub struct Dropping {
    finished: Receiver<()>,
    workers: usize,
}

impl Dropping {
    /// Waits for the drop to return; fails the test after [`PATIENCE`].
    pub fn wait(self) {
        if self.finished.recv_timeout(PATIENCE).is_err() {
            panic!(
                "dropping a pool of {} workers did not return within {PATIENCE:?}: its workers \
                 never ended (were they all woken by close? did they all see the queue closed \
                 and empty?)",
                self.workers
            );
        }
    }
}

/// The thread ids of the pool's workers, found by giving the pool one job per worker that all
/// wait for each other: on a pool of `n` workers, `n` jobs that run at the same time run one on
/// each worker.
pub fn worker_ids(pool: &TestPool) -> Vec<ThreadId> {
    let workers = pool.workers();
    let rendezvous = Arc::new(Rendezvous::new(workers));
    let (sender, ids) = mpsc::channel();
    for _ in 0..workers {
        let rendezvous = Arc::clone(&rendezvous);
        let sender = sender.clone();
        pool.execute(move || {
            let _ = sender.send(rendezvous.meet("jobs, one per worker,"));
        });
    }
    (0..workers)
        .map(|found| {
            ids.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                panic!(
                    "only {found} of {workers} jobs, one per worker, finished within \
                     {PATIENCE:?}: does the pool run {workers} jobs at once?"
                )
            })
        })
        .collect()
}

/// Jobs that keep workers busy until the test opens the gate, so that the jobs queued after
/// them provably stay queued.
pub struct Gate {
    jobs: usize,
    started: Flags,
    open: Flags,
}

impl Gate {
    /// A closed gate for `jobs` blocking jobs.
    pub fn new(jobs: usize) -> Arc<Gate> {
        Arc::new(Gate {
            jobs,
            started: Flags::new(jobs),
            open: Flags::new(1),
        })
    }

    /// Blocking job number `index`: it says it has started, then waits until the gate opens.
    /// It fails at once if it runs on `caller`, the test's thread: `execute` must queue a job
    /// and return, not run it.
    pub fn job(self: &Arc<Self>, index: usize, caller: ThreadId) -> impl FnOnce() + Send + 'static {
        let gate = Arc::clone(self);
        move || {
            assert_ne!(
                thread::current().id(),
                caller,
                "the job ran on the thread that queued it: execute must hand it to a worker \
                 and return at once"
            );
            gate.started.raise(index);
            assert!(
                gate.open.wait_for(0),
                "the test never opened the gate (this job waited {PATIENCE:?})"
            );
        }
    }

    /// Waits until every blocking job has started, that is, until they keep that many workers
    /// busy.
    pub fn wait_until_all_started(&self) {
        for index in 0..self.jobs {
            assert!(
                self.started.wait_for(index),
                "blocking job {index} of {} did not start within {PATIENCE:?}: the pool should \
                 run one job per worker at once",
                self.jobs
            );
        }
    }

    /// Lets every blocking job finish.
    pub fn open(&self) {
        self.open.raise(0);
    }
}

/// A shared log that jobs append to.
pub type Log = Arc<Mutex<Vec<usize>>>;

/// What `log` holds now.
pub fn read(log: &Log) -> Vec<usize> {
    lock(log).clone()
}
