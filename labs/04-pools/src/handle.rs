//! Exercise 4.4: `submit` a job and get its result back through a [`Handle`].

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver};

use crate::job::panic_message;
use crate::pool::ThreadPool;

/// The message of the [`JobPanicked`] that [`Handle::join`] returns when the job's result can
/// never arrive: the job was dropped before it finished, without a panic to report.
pub const LOST_JOB: &str = "the job was dropped before it produced a result";

/// A submitted job panicked; `message` is its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked {
    /// The job's panic message (or [`LOST_JOB`]).
    pub message: String,
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the job panicked: {}", self.message)
    }
}

impl std::error::Error for JobPanicked {}

// ANCHOR: handle
/// The caller's side of a submitted job: [`join`](Self::join) waits for the job's result.
///
/// Dropping a handle does not cancel the job: it still runs, counts in the pool's
/// [`ShutdownReport`](crate::ShutdownReport) like any other, and its result is thrown away.
#[derive(Debug)]
pub struct Handle<T> {
    /// Receives the job's one result: its value, or its panic.
    result: Receiver<Result<T, JobPanicked>>,
}
// ANCHOR_END: handle

impl ThreadPool {
    // ANCHOR: submit
    /// Queues `job` like [`execute`](Self::execute) does (it runs on one of the pool's workers),
    /// and returns a [`Handle`] to its result at once.
    ///
    /// If the job panics, its handle's `join` returns `Err(JobPanicked)` with the panic message,
    /// and the panic still counts in the pool's [`ShutdownReport`](crate::ShutdownReport) like
    /// any other job's.
    pub fn submit<T, F>(&self, job: F) -> Handle<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        todo!(
            "4.4: execute a job that runs `job` under catch_unwind and sends its result to the handle — see the chapter, Exercise 4.4"
        )
    }
    // ANCHOR_END: submit
}

impl<T> Handle<T> {
    // ANCHOR: join
    /// Waits for the job to finish and returns its value, or `Err(JobPanicked)` with its panic
    /// message if it panicked (or [`LOST_JOB`] if it was dropped without running to the end).
    pub fn join(self) -> Result<T, JobPanicked> {
        todo!("4.4: receive the job's result from the channel — see the chapter, Exercise 4.4")
    }
    // ANCHOR_END: join
}
