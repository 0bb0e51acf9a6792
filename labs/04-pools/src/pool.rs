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
        todo!(
            "4.3: refuse 0, then start `workers` threads that each run the queue's worker loop — see the chapter, Exercise 4.3"
        )
    }
    // ANCHOR_END: new

    /// How many worker threads the pool runs.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    // ANCHOR: monitor
    /// A read-only view of the pool's queue: how many jobs wait, and whether it is closed.
    ///
    /// The monitor shares the queue with the workers, so it still answers while the pool shuts
    /// down and after it is gone. The tests use it to see that jobs are still queued when a
    /// shutdown closes the queue.
    pub fn monitor(&self) -> QueueMonitor {
        QueueMonitor {
            queue: Arc::clone(&self.queue),
        }
    }
    // ANCHOR_END: monitor

    // ANCHOR: execute
    /// Queues `job` to run on one of the pool's worker threads and returns at once, without
    /// waiting for it. The job never runs on the calling thread, nor on a thread started for it.
    ///
    /// Jobs start in the order they were queued (each on whichever worker is free first). A job
    /// that panics is reported by [`shutdown`](Self::shutdown) and does not harm the pool.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        todo!("4.3: box the job and push it onto the queue — see the chapter, Exercise 4.3")
    }
    // ANCHOR_END: execute

    /// Shuts the pool down: lets the workers finish every job already queued, waits for every
    /// worker thread to end, and reports what the jobs did.
    pub fn shutdown(mut self) -> ShutdownReport {
        self.close_and_join()
    }

    // ANCHOR: close_and_join
    /// Closes the queue at once (without waiting for the jobs still queued), then joins every
    /// worker and adds up their reports. The workers run the jobs still queued before they see the
    /// queue closed and empty, so no job is lost, and the report counts every job the pool ran.
    ///
    /// Safe to call twice: the second call finds no workers left and returns an empty report.
    /// (A worker thread that died anyway contributes its panic message to `panicked`.)
    fn close_and_join(&mut self) -> ShutdownReport {
        todo!(
            "4.3: close the queue, then join every worker and add up their reports — see the chapter, Exercise 4.3"
        )
    }
    // ANCHOR_END: close_and_join
}

/// What [`ThreadPool::monitor`] returns: a read-only view of a pool's queue.
#[derive(Debug, Clone)]
pub struct QueueMonitor {
    queue: Arc<JobQueue>,
}

impl QueueMonitor {
    /// How many jobs are queued, not yet taken by a worker.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Whether the pool has closed its queue (it is shutting down, or gone).
    pub fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }
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
