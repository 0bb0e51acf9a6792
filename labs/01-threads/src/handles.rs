//! Exercise 1.1: one thread per input, each result handed back through a `JoinHandle`.

// ANCHOR: map_on_threads
/// Calls `work` once for every input, each call on a new thread of its own (never on the calling
/// thread, never two calls on one thread), and returns the results in the order of `inputs`,
/// whatever order the calls finish in.
///
/// Every thread is spawned before any of them is joined, so all the calls run at the same time,
/// however many inputs there are. An empty `inputs` spawns no thread and returns an empty `Vec`.
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
    todo!(
        "1.1: spawn one thread per input, then join them all in input order — see the chapter, Exercise 1.1"
    )
}
// ANCHOR_END: map_on_threads
