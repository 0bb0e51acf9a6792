//! Exercise 1.1: one thread per input, each result handed back through a `JoinHandle`.

use std::panic;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

/// Calls `work` once for every input, each call on a thread of its own, and returns the results
/// in the order of `inputs`.
///
/// Every thread is spawned before any of them is joined, so all the calls run at the same time.
/// An empty `inputs` spawns no thread and returns an empty `Vec`.
///
/// The bounds are what [`std::thread::spawn`] asks for: a spawned thread may outlive this call, so
/// whatever it owns must be `'static` (no borrowed data) and `Send` (safe to move to another
/// thread). `work` is shared by every thread at once, so it must also be `Sync`.
///
/// # Panics
///
/// If a call of `work` panics, this function panics with the same payload, re-raised with
/// [`std::panic::resume_unwind`] when it joins that thread.
pub fn map_on_threads<T, R, F>(inputs: Vec<T>, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let handles: Vec<JoinHandle<R>> = inputs
        .into_iter()
        .map(|input| {
            let work = Arc::clone(&work);
            thread::spawn(move || work(input))
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| {
            handle
                .join()
                .unwrap_or_else(|payload| panic::resume_unwind(payload))
        })
        .collect()
}
