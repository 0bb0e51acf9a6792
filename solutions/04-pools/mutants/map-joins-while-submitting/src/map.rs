//! Exercise 4.5: `map` a function over many inputs on the pool, results in input order.

use std::sync::Arc;

use crate::handle::Handle;
use crate::pool::ThreadPool;

impl ThreadPool {
    // ANCHOR: map
    /// Calls `f` on every input, each call a job on the pool, and returns the results in the
    /// order of `inputs` (not in the order the jobs finish).
    ///
    /// Every job is queued before `map` waits for any result, so up to
    /// [`workers`](Self::workers) calls run at the same time.
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
        let f = Arc::new(f);
        // BUG: iterators are lazy, so each input is submitted and then joined before the next
        // one is even submitted.
        inputs
            .into_iter()
            .map(|input| {
                let f = Arc::clone(&f);
                self.submit(move || f(input))
            })
            .map(|handle: Handle<T>| {
                handle.join().unwrap_or_else(|failed| {
                    panic!("a job of ThreadPool::map panicked: {}", failed.message)
                })
            })
            .collect()
    }
    // ANCHOR_END: map
}
