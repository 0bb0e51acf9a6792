//! Exercise 4.3: start the workers, hand them jobs, and shut down without losing any.

use std::error::Error;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crate::job::{Outcome, panic_message};
use crate::queue::JobQueue;

/// Why [`ThreadPool::new`] could not build a pool.
#[derive(Debug)]
pub enum PoolError {
    /// A pool needs at least one worker: with none, every job would wait forever.
    ZeroWorkers,
    /// The operating system refused to start a worker thread (too many threads, no memory).
    Spawn(io::Error),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::ZeroWorkers => f.write_str("a thread pool needs at least one worker"),
            PoolError::Spawn(_) => f.write_str("could not start a worker thread"),
        }
    }
}

impl Error for PoolError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            PoolError::ZeroWorkers => None,
            PoolError::Spawn(cause) => Some(cause),
        }
    }
}

/// What the pool's jobs did, as [`ThreadPool::shutdown`] reports it. Each worker builds one for
/// its own jobs ([`JobQueue::work_until_closed`]); shutdown adds them up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    /// How many jobs returned normally.
    pub completed: usize,
    /// The panic message of every job that panicked (grouped by worker, so in no useful order).
    pub panicked: Vec<String>,
}

impl ShutdownReport {
    /// Counts one job's outcome.
    pub fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Completed => self.completed += 1,
            Outcome::Panicked(message) => self.panicked.push(message),
        }
    }

    /// Adds another report (another worker's) to this one.
    pub fn merge(&mut self, other: ShutdownReport) {
        self.completed += other.completed;
        self.panicked.extend(other.panicked);
    }
}

// ANCHOR: pool
/// A fixed set of worker threads that run jobs from one shared [`JobQueue`].
///
/// Dropping the pool shuts it down like [`shutdown`](Self::shutdown) does: every job already
/// queued still runs, and every worker thread has ended by the time the drop returns.
pub struct ThreadPool {
    /// The queue every worker takes jobs from. Each worker thread holds a clone of the `Arc`.
    queue: Arc<JobQueue>,
    /// One handle per worker thread; each thread returns the report of the jobs it ran.
    workers: Vec<JoinHandle<ShutdownReport>>,
}
// ANCHOR_END: pool

impl ThreadPool {
    // ANCHOR: new
    /// Starts a pool of `workers` threads, each running
    /// [`work_until_closed`](JobQueue::work_until_closed) on the pool's queue.
    ///
    /// # Errors
    ///
    /// [`PoolError::ZeroWorkers`] if `workers` is 0 (no thread is started), and
    /// [`PoolError::Spawn`] if a thread cannot be started (the workers already started are shut
    /// down again before `new` returns).
    pub fn new(workers: usize) -> Result<ThreadPool, PoolError> {
        if workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut pool = ThreadPool {
            queue: Arc::new(JobQueue::new()),
            workers: Vec::with_capacity(workers),
        };
        for index in 0..workers {
            let queue = Arc::clone(&pool.queue);
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{index}"))
                .spawn(move || queue.work_until_closed())
                // On error `pool` is dropped here, which closes the queue and joins the
                // workers started so far.
                .map_err(PoolError::Spawn)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }
    // ANCHOR_END: new

    /// How many worker threads the pool runs.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    // ANCHOR: execute
    /// Queues `job` to run on one of the workers and returns at once, without waiting for it.
    ///
    /// Jobs start in the order they were queued (each on whichever worker is free first). A job
    /// that panics is reported by [`shutdown`](Self::shutdown) and does not harm the pool.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if self.queue.push(Box::new(job)).is_err() {
            unreachable!("the queue closes only when the pool shuts down, which needs the pool");
        }
    }
    // ANCHOR_END: execute

    /// Shuts the pool down: lets the workers finish every job already queued, waits for every
    /// worker thread to end, and reports what the jobs did.
    pub fn shutdown(mut self) -> ShutdownReport {
        self.close_and_join()
    }

    // ANCHOR: close_and_join
    /// Closes the queue, then joins every worker and adds up their reports. The workers run the
    /// jobs still queued before they see the queue closed and empty, so no job is lost.
    ///
    /// Safe to call twice: the second call finds no workers left and returns an empty report.
    /// (A worker thread that died anyway contributes its panic message to `panicked`.)
    fn close_and_join(&mut self) -> ShutdownReport {
        self.queue.close();
        let mut report = ShutdownReport::default();
        for worker in self.workers.drain(..) {
            match worker.join() {
                Ok(worker_report) => report.merge(worker_report),
                Err(payload) => report.panicked.push(panic_message(&*payload)),
            }
        }
        report
    }
    // ANCHOR_END: close_and_join
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Nobody asked for this report: the panics in it were already printed by the panic hook.
        self.close_and_join();
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("workers", &self.workers.len())
            .field("queue", &self.queue)
            .finish()
    }
}
