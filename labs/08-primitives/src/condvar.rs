//! Exercise 8.6: a condition variable on a counter and wait/wake, for the mutex of Exercise 8.5.

use crate::mutex::MutexGuard;
use crate::sync::atomic::{AtomicU32, AtomicUsize};
// You will also need `Ordering` from `crate::sync::atomic`, and `crate::sync::{wait, wake_one,
// wake_all}`.

// ANCHOR: condvar
/// A condition variable for [`Mutex`](crate::mutex::Mutex): a thread waits on it until another
/// thread has changed the data behind the mutex and notifies.
///
/// As with [`std::sync::Condvar`], a wait may end without a notification (spuriously), so always
/// wait in a loop that checks the condition again:
///
/// ```ignore
/// let mut ready = lock.lock();
/// while !*ready {
///     ready = condvar.wait(ready);
/// }
/// ```
#[derive(Debug)]
pub struct Condvar {
    /// Changed by every notification; waiters sleep on it with `sync::wait`. It wraps around,
    /// which is harmless: a waiter only asks whether it still holds the value it saw.
    counter: AtomicU32,
    /// How many threads are inside [`wait`](Condvar::wait), so that a notification with nobody
    /// waiting can skip the system call.
    waiters: AtomicUsize,
}
// ANCHOR_END: condvar

impl Condvar {
    pub fn new() -> Self {
        Condvar {
            counter: AtomicU32::new(0),
            waiters: AtomicUsize::new(0),
        }
    }

    // ANCHOR: condvar_methods
    /// Unlocks the mutex of `guard`, sleeps until notified, then locks the mutex again and
    /// returns the new guard.
    ///
    /// **No notification is lost between the unlock and the sleep**: a `notify_*` made after
    /// this thread unlocked (by a thread that took the mutex after it) wakes it, or keeps it from
    /// falling asleep. It may also return without a notification.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        todo!(
            "8.6: count yourself in, note the counter *before* unlocking, unlock, sleep, lock again — see the chapter, Exercise 8.6"
        )
    }

    /// Wakes one thread waiting in [`wait`](Self::wait), if there is one. Makes no wake call
    /// when no thread is waiting.
    pub fn notify_one(&self) {
        todo!(
            "8.6: if anybody waits, change the counter and wake one — see the chapter, Exercise 8.6"
        )
    }

    /// Wakes every thread waiting in [`wait`](Self::wait). Makes no wake call when no thread is
    /// waiting.
    pub fn notify_all(&self) {
        todo!(
            "8.6: if anybody waits, change the counter and wake them all — see the chapter, Exercise 8.6"
        )
    }
    // ANCHOR_END: condvar_methods
}

impl Default for Condvar {
    fn default() -> Self {
        Self::new()
    }
}
