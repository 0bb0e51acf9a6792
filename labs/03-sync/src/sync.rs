//! The synchronisation primitives the lab's model-checked code is built from.
//!
//! This module is given code, not an exercise. Everything in the lab that loom checks imports
//! `Mutex`, `Condvar`, `Arc`, atomics and `thread` from here, never from `std` directly:
//!
//! - a plain build (`cargo test -p lab-sync`) re-exports `std`'s types;
//! - a build with the `loom` feature (`cargo test -p lab-sync --release --features loom`)
//!   re-exports loom's look-alikes, which let loom run a test under every interleaving of its
//!   threads that can change the outcome (within the limits the chapter on races lists).
//!
//! The code that uses them is the same in both modes. Loom's `Condvar` has no `wait_while`, so
//! the lab waits with [`wait`] in an explicit `while` loop (which is also the clearest way to
//! write it).

use std::sync::PoisonError;

#[cfg(feature = "loom")]
pub use loom::{
    hint,
    sync::{Arc, Condvar, Mutex, MutexGuard, atomic},
    thread,
};

#[cfg(not(feature = "loom"))]
pub use std::{
    hint,
    sync::{Arc, Condvar, Mutex, MutexGuard, atomic},
    thread,
};

// ANCHOR: helpers
/// Locks `mutex`, ignoring poisoning.
///
/// A mutex is poisoned when a thread panics while holding it. The lab's types never run code
/// that can panic between two steps of an update, so the data is consistent even then, and
/// carrying on is right.
///
/// `#[track_caller]` makes loom (with `LOOM_LOCATION=1`) report the line that called `lock`, not
/// this one.
#[track_caller]
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar`: atomically unlocks the mutex behind `guard` and sleeps until notified, then
/// locks it again and returns the new guard. Ignores poisoning, like [`lock`].
///
/// A wake-up is only a hint that something changed, never a promise that your condition holds:
/// always call this in a `while` loop that re-checks the condition.
#[track_caller]
pub fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: helpers
