//! Exercise 3.3: a countdown latch from a `Mutex` and a `Condvar`.

use std::fmt;

use crate::sync::{Condvar, Mutex, lock, wait};

// ANCHOR: latch
/// A one-shot gate that opens when a count reaches zero.
///
/// Create it with the number of events to wait for; each event calls
/// [`count_down`](Self::count_down); any number of threads [`wait`](Self::wait) until the count
/// is zero. Once open it stays open. Everything a thread did before its `count_down` is visible to
/// every thread that returns from `wait` (the mutex gives that *happens-before* edge).
///
/// Java calls this a `CountDownLatch`; Go's `sync.WaitGroup` is the same idea.
pub struct CountDownLatch {
    remaining: Mutex<usize>,
    /// Signalled (to everyone) when `remaining` reaches zero.
    opened: Condvar,
}

impl CountDownLatch {
    /// A latch that opens after `count` calls of [`count_down`](Self::count_down). A latch
    /// created with 0 is open from the start.
    pub fn new(count: usize) -> Self {
        CountDownLatch {
            remaining: Mutex::new(count),
            opened: Condvar::new(),
        }
    }

    /// How many `count_down` calls are still needed to open the latch.
    pub fn remaining(&self) -> usize {
        *lock(&self.remaining)
    }

    /// Counts one event. The call that brings the count to zero wakes every waiting thread.
    /// On an open latch it does nothing (the count never goes below zero).
    pub fn count_down(&self) {
        todo!(
            "3.3: decrement the count (never below zero) and wake every waiter when it reaches zero — see the chapter, Exercise 3.3"
        )
    }

    /// Blocks until the count is zero; returns at once if it already is. It never returns while
    /// the count is above zero, whatever wakes the thread up (see
    /// [`wake_waiters_spuriously`](Self::wake_waiters_spuriously)).
    pub fn wait(&self) {
        todo!(
            "3.3: wait on the condvar for as long as the count is above zero — see the chapter, Exercise 3.3"
        )
    }
    // ANCHOR_END: latch

    /// Wakes every thread blocked in [`wait`](Self::wait) without counting down: a *spurious
    /// wake-up*, on purpose.
    ///
    /// The standard library's `Condvar` may wake a waiting thread with no notify at all, so a
    /// woken thread must look at the count again before it returns. The tests call this to check
    /// that `wait` does; your code never needs to.
    pub fn wake_waiters_spuriously(&self) {
        let _remaining = lock(&self.remaining);
        self.opened.notify_all();
    }
}

impl fmt::Debug for CountDownLatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountDownLatch")
            .field("remaining", &self.remaining())
            .finish()
    }
}
