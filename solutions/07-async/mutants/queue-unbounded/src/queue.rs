//! Exercise 7.7: an async producer–consumer queue of fetches, bounded, with a graceful shutdown.

use std::fmt;
use std::net::SocketAddr;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::fetch::fetch;
use crate::http::FetchError;

/// One job the queue has done: the path it was given and what fetching it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub path: String,
    pub result: Result<String, FetchError>,
}

/// Why the queue did not take a job. Each variant gives the path back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// The queue holds `capacity` jobs already (only [`FetchQueue::try_submit`] says this).
    Full(String),
    /// The worker has stopped: the queue takes no more jobs.
    Closed(String),
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::Full(path) => write!(f, "the queue is full; {path} was not queued"),
            SubmitError::Closed(path) => write!(f, "the queue is closed; {path} was not queued"),
        }
    }
}

impl std::error::Error for SubmitError {}

/// A queue of paths to fetch, worked through by one worker task, one job at a time, in the order
/// the jobs were submitted.
///
/// The queue holds at most `capacity` jobs that the worker has not started yet; submitters wait
/// (or, with `try_submit`, are refused) while it is full. That is backpressure: producers cannot
/// run ahead of the worker by more than `capacity` jobs.
pub struct FetchQueue {
    jobs: mpsc::UnboundedSender<String>,
    capacity: usize,
    worker: JoinHandle<Vec<Fetched>>,
}

impl FetchQueue {
    // ANCHOR: start
    /// Starts the worker task, which fetches each job's path from `addr` and keeps the results,
    /// and returns the queue that feeds it.
    ///
    /// The worker finishes once the queue is closed (see [`FetchQueue::shutdown`]) *and* every job
    /// already in it is done; it then returns every result in submission order.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0, or if called outside a Tokio runtime.
    pub fn start(addr: SocketAddr, capacity: usize) -> FetchQueue {
        assert!(capacity > 0, "a queue needs room for at least one job");
        let (jobs, queue) = mpsc::unbounded_channel();
        let worker = tokio::spawn(work_through(addr, queue));
        FetchQueue {
            jobs,
            capacity,
            worker,
        }
    }
    // ANCHOR_END: start

    // ANCHOR: submit
    /// Adds a job, waiting for room if the queue is full.
    pub async fn submit(&self, path: impl Into<String>) -> Result<(), SubmitError> {
        self.jobs
            .send(path.into())
            .map_err(|error| SubmitError::Closed(error.0))
    }

    /// Adds a job if there is room now; `Err(SubmitError::Full(path))` if the queue is full.
    pub fn try_submit(&self, path: impl Into<String>) -> Result<(), SubmitError> {
        self.jobs
            .send(path.into())
            .map_err(|error| SubmitError::Closed(error.0))
    }
    // ANCHOR_END: submit

    // ANCHOR: shutdown
    /// Closes the queue to new jobs, waits until the worker has done every job submitted so far
    /// (none is dropped), and returns all the results in submission order.
    ///
    /// # Panics
    ///
    /// With the same payload if the worker panicked.
    pub async fn shutdown(self) -> Vec<Fetched> {
        // The worker's `recv` returns `None` once every sender is gone and the queue is empty.
        drop(self.jobs);
        match self.worker.await {
            Ok(results) => results,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("the queue's worker did not finish: {error}"),
        }
    }
    // ANCHOR_END: shutdown

    /// How many jobs the queue can hold that the worker has not started yet.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether the worker has stopped.
    pub fn is_finished(&self) -> bool {
        self.worker.is_finished()
    }
}

/// The worker: takes jobs until the queue is closed and empty.
async fn work_through(addr: SocketAddr, mut queue: mpsc::UnboundedReceiver<String>) -> Vec<Fetched> {
    let mut done = Vec::new();
    while let Some(path) = queue.recv().await {
        let result = fetch(addr, &path).await;
        done.push(Fetched { path, result });
    }
    done
}
