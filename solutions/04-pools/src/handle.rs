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
/// Dropping a handle does not cancel the job; its result is thrown away.
#[derive(Debug)]
pub struct Handle<T> {
    /// Receives the job's one result: its value, or its panic.
    result: Receiver<Result<T, JobPanicked>>,
}
// ANCHOR_END: handle

impl ThreadPool {
    // ANCHOR: submit
    /// Queues `job` like [`execute`](Self::execute) does, and returns a [`Handle`] to its result.
    ///
    /// If the job panics, its handle's `join` returns `Err(JobPanicked)` with the panic message,
    /// and the panic still counts in the pool's [`ShutdownReport`](crate::ShutdownReport) like
    /// any other job's.
    pub fn submit<T, F>(&self, job: F) -> Handle<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (sender, result) = mpsc::channel();
        self.execute(move || match panic::catch_unwind(AssertUnwindSafe(job)) {
            Ok(value) => {
                // The caller may have dropped the handle: then nobody wants the value.
                let _ = sender.send(Ok(value));
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                let _ = sender.send(Err(JobPanicked { message }));
                // Let the worker see the panic too, so that shutdown reports it.
                panic::resume_unwind(payload);
            }
        });
        Handle { result }
    }
    // ANCHOR_END: submit
}

impl<T> Handle<T> {
    // ANCHOR: join
    /// Waits for the job to finish and returns its value, or `Err(JobPanicked)` with its panic
    /// message if it panicked (or [`LOST_JOB`] if it was dropped without running to the end).
    pub fn join(self) -> Result<T, JobPanicked> {
        self.result.recv().unwrap_or_else(|_| {
            Err(JobPanicked {
                message: LOST_JOB.to_owned(),
            })
        })
    }
    // ANCHOR_END: join
}
