//! Exercise 8.8: how idle workers sleep without losing a wake-up.
//!
//! A worker that finds no job should sleep, and a thread that queues a job should wake one —
//! without a system call per job when every worker is busy, and without ever leaving a job in a
//! queue while every worker sleeps. [`Sleep`] is that protocol; the work-stealing pool of
//! Exercise 8.9 uses it, and `tests/loom_sleep.rs` checks it with an `AtomicBool` standing in for
//! the job queues (which loom cannot see into).

use crate::sync::atomic::AtomicU32;
// You will also need `Ordering` and `fence` from `crate::sync::atomic`, and
// `crate::sync::{wait, wake_one, wake_all}`.

// ANCHOR: sleep
/// Where idle workers sleep until there is new work.
///
/// A worker that has looked everywhere and found nothing does this (the pool's given worker
/// loop; the models do the same):
///
/// ```ignore
/// let token = sleep.prepare();          // 1. "I am about to sleep"
/// if let Some(job) = find_job() {       // 2. look once more
///     sleep.cancel(token);
///     run(job);
/// } else {
///     sleep.sleep(token);               // 3. sleep, unless new work came since step 1
/// }
/// ```
///
/// and a thread that has just queued a job calls [`new_work`](Sleep::new_work).
///
/// **The promise: no lost wake-up.** If a job is queued (with *any* memory ordering, even
/// `Relaxed`) before `new_work` is called, then every worker doing the three steps above either
/// finds the job in step 2, or is not asleep for it: `new_work` wakes a sleeper, or makes step 3
/// return at once. And when no worker is between steps 1 and 3, `new_work` makes no system call.
#[derive(Debug)]
pub struct Sleep {
    /// Changed (with wrapping) by `new_work` and `wake_all` when a worker may be sleepy: the
    /// value sleeping workers wait on.
    epoch: AtomicU32,
    /// How many workers are between `prepare` and the end of `sleep` (or `cancel`).
    sleepy: AtomicU32,
}

/// What [`Sleep::prepare`] saw: the epoch to sleep on.
#[derive(Debug)]
#[must_use = "a prepared worker must sleep or cancel"]
pub struct Token {
    epoch: u32,
}
// ANCHOR_END: sleep

impl Sleep {
    pub fn new() -> Self {
        Sleep {
            epoch: AtomicU32::new(0),
            sleepy: AtomicU32::new(0),
        }
    }

    // ANCHOR: sleep_methods
    /// Step 1: counts this worker as sleepy and notes the epoch, *before* the worker looks for
    /// work the last time.
    ///
    /// Together with `new_work`, this is store buffering (Exercise 8.1): the worker writes
    /// `sleepy` then reads the queues; the queuing thread writes a queue then reads `sleepy`.
    /// Neither may miss the other, and of the `SeqCst` operations loom supports only the fence.
    pub fn prepare(&self) -> Token {
        todo!(
            "8.8: count yourself sleepy, fence (which?), note the epoch — see the chapter, Exercise 8.8"
        )
    }

    /// The worker found a job in step 2 after all: it is no longer sleepy.
    pub fn cancel(&self, token: Token) {
        todo!("8.8: count yourself out — see the chapter, Exercise 8.8")
    }

    /// Step 3: sleeps until [`new_work`](Self::new_work) or [`wake_all`](Self::wake_all) is
    /// called, returning at once if one was called since `prepare` made `token`. May also return
    /// spuriously; either way the worker is no longer sleepy afterwards.
    pub fn sleep(&self, token: Token) {
        todo!(
            "8.8: wait on the epoch the token saw, then count yourself out — see the chapter, Exercise 8.8"
        )
    }

    /// Called after queuing a job: wakes one sleepy worker, if there is one (and makes no system
    /// call if there is none).
    pub fn new_work(&self) {
        todo!(
            "8.8: fence (which?); if any worker is sleepy, change the epoch and wake one — see the chapter, Exercise 8.8"
        )
    }

    /// Wakes every sleepy worker (the pool calls it when it stops), with the same promise as
    /// `new_work`: a worker between `prepare` and `sleep` does not sleep through it.
    pub fn wake_all(&self) {
        todo!("8.8: as new_work, but wake them all — see the chapter, Exercise 8.8")
    }
    // ANCHOR_END: sleep_methods
}

impl Default for Sleep {
    fn default() -> Self {
        Self::new()
    }
}
