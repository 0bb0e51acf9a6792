//! Exercise 2.1: the lost update fixed with a `Mutex`.

use crate::counter::Counter;
use crate::sync::Mutex;

// ANCHOR: mutex_counter
/// A [`Counter`] whose count lives inside a [`Mutex`]: an increment reads and writes the count
/// while holding the lock, so no other thread can get in between the two.
#[derive(Debug)]
pub struct MutexCounter {
    value: Mutex<u64>,
}

impl MutexCounter {
    pub fn new() -> Self {
        MutexCounter {
            value: Mutex::new(0),
        }
    }
}

impl Counter for MutexCounter {
    /// Locks once, adds one while holding the lock, unlocks (when the guard drops).
    fn increment(&self) {
        todo!(
            "2.1: lock the Mutex once and add one while holding it — see the chapter, Exercise 2.1"
        )
    }

    /// Locks and reads the count.
    fn get(&self) -> u64 {
        todo!("2.1: lock the Mutex and read the count — see the chapter, Exercise 2.1")
    }
}
// ANCHOR_END: mutex_counter

impl Default for MutexCounter {
    fn default() -> Self {
        Self::new()
    }
}
