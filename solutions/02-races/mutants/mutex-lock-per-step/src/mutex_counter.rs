//! Exercise 2.1: the lost update fixed with a `Mutex`.

use std::sync::PoisonError;

use crate::counter::Counter;
use crate::sync::Mutex;

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
        // A panic cannot leave a half-done `+= 1` behind, so a poisoned count is still right.
        let current = *self.value.lock().unwrap_or_else(PoisonError::into_inner);
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) = current + 1;
    }

    /// Locks and reads the count.
    fn get(&self) -> u64 {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MutexCounter {
    fn default() -> Self {
        Self::new()
    }
}
