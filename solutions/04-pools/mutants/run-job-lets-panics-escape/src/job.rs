//! Exercise 4.2: run one job, and keep its panic from escaping.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

// ANCHOR: job
/// A unit of work for the pool: a closure that runs once, on whichever worker takes it.
///
/// It is boxed so that jobs of different closure types fit in one queue, and `Send + 'static`
/// because it moves to another thread that may outlive the caller's stack frame.
pub type Job = Box<dyn FnOnce() + Send + 'static>;
// ANCHOR_END: job

/// The message [`panic_message`] gives for a payload that is neither a `&str` nor a `String`.
pub const UNKNOWN_PANIC: &str = "panic payload is not a string";

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The job returned normally.
    Completed,
    /// The job panicked with this message.
    Panicked(String),
}

/// The text of a panic payload (as lab 01 built it): the `&str` or `String` that `panic!`
/// carries, or [`UNKNOWN_PANIC`].
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        UNKNOWN_PANIC.to_owned()
    }
}

// ANCHOR: run_job
/// Runs `job` on the calling thread and reports how it ended.
///
/// A panic in the job does not unwind out of `run_job`: it is caught and reported as
/// [`Outcome::Panicked`] with the panic's message (read with [`panic_message`]), so the
/// thread that called `run_job` carries on.
pub fn run_job(job: Job) -> Outcome {
    // BUG: a panic in the job unwinds straight through run_job.
    job();
    Outcome::Completed
}
// ANCHOR_END: run_job
