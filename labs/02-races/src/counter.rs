//! What every counter of this lab can do, the broken counter the chapter starts from, and a
//! helper that hammers a counter from several threads. This file is given.

use crate::sync::atomic::{AtomicU64, Ordering};

/// A count that any number of threads may increment at the same time, through `&self`.
///
/// `Sync` is a supertrait because the whole point is to share one counter between threads: a
/// `&C` crosses to other threads only if `C: Sync`.
pub trait Counter: Sync {
    /// Adds one to the count. No increment may be lost, however the threads interleave.
    fn increment(&self);

    /// The count: every increment that happened before this call is in it.
    fn get(&self) -> u64;
}

// ANCHOR: racy
/// The lost update, in safe Rust: an increment made of two steps, a load and then a store.
///
/// Each step on its own is atomic, so there is no *data race* (no undefined behaviour, which is
/// why the compiler accepts it). But another thread can increment between our load and our store,
/// and then our store writes back a stale value plus one: its increment is lost. That is a *race
/// condition*: the result depends on how the threads happen to interleave.
#[derive(Debug)]
pub struct RacyCounter {
    value: AtomicU64,
}

impl RacyCounter {
    pub fn new() -> Self {
        RacyCounter {
            value: AtomicU64::new(0),
        }
    }
}

impl Counter for RacyCounter {
    fn increment(&self) {
        let current = self.value.load(Ordering::Relaxed);
        // Another thread may increment right here; its update is then overwritten.
        self.value.store(current + 1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: racy

impl Default for RacyCounter {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: count_on_threads
/// Increments `counter` `per_thread` times on each of `threads` scoped threads, waits for them
/// all, and returns the count. A counter that loses no update returns `threads * per_thread` more
/// than it started with.
///
/// The threads wait for each other at a barrier before they start counting, so that they really
/// run at the same time instead of one finishing before the next has started.
///
/// This runs on real threads (`std::thread::scope` and `std::sync::Barrier`, which loom does not
/// have), so it is for the examples, the benchmarks and the plain tests; the loom models spawn
/// their own threads.
pub fn count_on_threads<C: Counter + ?Sized>(counter: &C, threads: usize, per_thread: u64) -> u64 {
    let start = std::sync::Barrier::new(threads);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    counter.increment();
                }
            });
        }
    });
    counter.get()
}
// ANCHOR_END: count_on_threads
