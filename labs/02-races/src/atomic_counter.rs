//! Exercise 2.2: counting with atomic read-modify-write operations.

use crate::counter::Counter;
use crate::sync::atomic::AtomicU64;
// You will also need `crate::sync::atomic::Ordering`.

// ANCHOR: atomic_counter
/// A [`Counter`] on one [`AtomicU64`], with no lock at all.
#[derive(Debug)]
pub struct AtomicCounter {
    value: AtomicU64,
}

impl AtomicCounter {
    pub fn new() -> Self {
        AtomicCounter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one unless the count has already reached `limit`, and says whether it added (a ticket
    /// office that must never sell more seats than the hall holds).
    ///
    /// However many threads call this at once:
    ///
    /// - the count never goes past `limit`, as seen by any thread at any moment: not even for an
    ///   instant (adding one and then taking it back is not allowed);
    /// - a call returns `false` only when the count has reached `limit`. Another thread changing
    ///   the count at the same moment is no reason to refuse: while the count is below `limit`,
    ///   the call adds. So if `n` calls start from a count of `start` below `limit`, exactly
    ///   `min(n, limit - start)` of them return `true`.
    pub fn increment_if_below(&self, limit: u64) -> bool {
        todo!(
            "2.2: decide and add in one atomic step, trying again if another thread got in first — see the chapter, Exercise 2.2"
        )
    }
}

impl Counter for AtomicCounter {
    /// Adds one in a single indivisible step.
    fn increment(&self) {
        todo!("2.2: add one with a single atomic read-modify-write — see the chapter, Exercise 2.2")
    }

    fn get(&self) -> u64 {
        todo!("2.2: read the count — see the chapter, Exercise 2.2")
    }
}
// ANCHOR_END: atomic_counter

impl Default for AtomicCounter {
    fn default() -> Self {
        Self::new()
    }
}
