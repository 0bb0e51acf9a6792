//! Exercise 5.5: a thread pool of your own, and `install`.

use std::num::NonZeroUsize;

use rayon::ThreadPoolBuildError;

/// The name of the pool's worker thread number `i` is this prefix followed by `i`.
pub const THREAD_NAME_PREFIX: &str = "lab-rayon-worker-";

// ANCHOR: in_pool
/// Builds a new rayon thread pool of exactly `threads` worker threads, named
/// [`THREAD_NAME_PREFIX`] followed by the thread's index (`lab-rayon-worker-0`, …), and runs
/// `op` on one of them with [`rayon::ThreadPool::install`], so that every rayon call inside `op`
/// (parallel iterators, `rayon::join`, `rayon::current_num_threads`) uses that pool. Returns
/// what `op` returns, and drops the pool before it returns (its threads then exit on their own).
///
/// It never touches rayon's global pool, so it can be called any number of times, with any
/// thread counts, from any thread.
///
/// # Errors
///
/// If the operating system refuses to start the threads.
///
/// # Panics
///
/// With the same payload if `op` panics.
pub fn in_pool<R, OP>(threads: NonZeroUsize, op: OP) -> Result<R, ThreadPoolBuildError>
where
    R: Send,
    OP: FnOnce() -> R + Send,
{
    todo!(
        "5.5: build the pool with ThreadPoolBuilder, then install `op` — see the chapter, Exercise 5.5"
    )
}
// ANCHOR_END: in_pool
