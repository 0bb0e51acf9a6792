//! Exercise 7.6: CPU-heavy work off the runtime's threads.

// ANCHOR: run_blocking
/// Runs `work` on a thread where blocking is allowed (not on one of the runtime's threads) and
/// returns its result. Meanwhile the calling task is suspended, so the runtime's threads go on
/// running other tasks, even on a current-thread runtime.
///
/// # Panics
///
/// With the same payload if `work` panics.
pub async fn run_blocking<F, T>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    work()
}
// ANCHOR_END: run_blocking
