//! Exercise 2.2: counting with atomic read-modify-write operations.

use crate::counter::Counter;
use crate::sync::atomic::{AtomicU64, Ordering};

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

    /// Adds one unless the count has already reached `limit`, and says whether it added.
    ///
    /// However many threads call this at once, the count never goes past `limit`, and exactly
    /// `limit - start` calls return `true` (a ticket office that never sells more seats than
    /// there are).
    pub fn increment_if_below(&self, limit: u64) -> bool {
        // The decision depends on the value, so it must be made in the same indivisible step as
        // the write: `fetch_update` retries a compare-exchange until no other thread got in
        // between. `Relaxed` is enough: the count guards no other data.
        if self.value.load(Ordering::Relaxed) < limit {
            self.value.fetch_add(1, Ordering::Relaxed);
            true
        } else {
            false
        }
    }
}

impl Counter for AtomicCounter {
    /// One indivisible read-modify-write. `Relaxed` is enough: the count is the only data, and
    /// whoever reads the total after joining the threads is ordered after them by the join.
    fn increment(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}

impl Default for AtomicCounter {
    fn default() -> Self {
        Self::new()
    }
}
