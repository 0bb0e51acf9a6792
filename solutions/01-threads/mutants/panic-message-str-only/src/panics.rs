//! Exercise 1.5: what a panic in a thread does to `join`, and how to report it.

use std::any::Any;
use std::fmt;
use std::thread::JoinHandle;

/// The message [`panic_message`] gives for a payload that is neither a `&str` nor a `String`
/// (for example one raised with `std::panic::panic_any(42)`).
pub const UNKNOWN_PANIC: &str = "panic payload is not a string";

/// A worker thread that panicked: its position in the list of handles, and its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerFailed {
    /// Index of the worker's handle in the `Vec` given to [`join_all`].
    pub worker: usize,
    /// The panic message, as [`panic_message`] reads it.
    pub message: String,
}

impl fmt::Display for WorkerFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker {} panicked: {}", self.worker, self.message)
    }
}

impl std::error::Error for WorkerFailed {}

/// The text of a panic payload, as returned in the `Err` of [`JoinHandle::join`] or
/// [`std::panic::catch_unwind`].
///
/// `panic!("literal")` carries a `&'static str`; `panic!("{x}")`, with anything to format,
/// carries a `String`. Both give their text. Any other payload gives [`UNKNOWN_PANIC`].
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else {
        UNKNOWN_PANIC.to_owned()
    }
}

/// Joins every handle, in order, and returns one entry per handle, in the same order: `Ok` with
/// the thread's result, or `Err` saying which worker panicked and why.
///
/// One worker's panic does not stop the others from being joined or lose their results.
pub fn join_all<R>(handles: Vec<JoinHandle<R>>) -> Vec<Result<R, WorkerFailed>> {
    handles
        .into_iter()
        .enumerate()
        .map(|(worker, handle)| {
            handle.join().map_err(|payload| WorkerFailed {
                worker,
                message: panic_message(&*payload),
            })
        })
        .collect()
}
