//! Exercise 4.5: `map` a function over many inputs on the pool, results in input order.

use std::sync::Arc;

use crate::pool::ThreadPool;

impl ThreadPool {
    // ANCHOR: map
    /// Calls `f` on every input, each call a job on the pool (so it runs on one of the pool's
    /// workers), and returns the results in the order of `inputs` (not in the order the jobs
    /// finish).
    ///
    /// Every job is queued before `map` waits for any result, so up to
    /// [`workers`](Self::workers) calls run at the same time, and a call may wait for a later
    /// input's call to start.
    ///
    /// # Panics
    ///
    /// If a call of `f` panicked: `map` panics with that call's message (the other jobs still
    /// run to the end on the pool, which stays usable).
    pub fn map<I, T, F>(&self, inputs: I, f: F) -> Vec<T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        T: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
    {
        todo!(
            "4.5: submit every input first, then join the handles in input order — see the chapter, Exercise 4.5"
        )
    }
    // ANCHOR_END: map
}
