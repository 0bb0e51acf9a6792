//! Exercise 8.5: a mutex that sleeps, on one `AtomicU32` and the operating system's wait/wake.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use crate::sync::atomic::AtomicU32;
use crate::sync::{MutPtr, UnsafeCell};
// You will also need `Ordering` from `crate::sync::atomic`, `crate::sync::{wait, wake_one}`, and
// perhaps `crate::sync::hint` (take them from `crate::sync`, never from `std`).

// ANCHOR: mutex
/// Unlocked.
const UNLOCKED: u32 = 0;
/// Locked, and no other thread is waiting for it.
const LOCKED: u32 = 1;
/// Locked, and other threads may be waiting: whoever unlocks must wake one.
const CONTENDED: u32 = 2;

/// A lock that puts a waiting thread to sleep until the holder unlocks, like
/// [`std::sync::Mutex`] (minus poisoning). The only way to the data is through the
/// [`MutexGuard`] that [`lock`](Mutex::lock) returns; dropping the guard unlocks.
pub struct Mutex<T> {
    /// [`UNLOCKED`], [`LOCKED`] or [`CONTENDED`]. Waiting threads sleep on it.
    state: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the lock lets one thread at a time reach the value, so sharing a `Mutex` only ever
// hands the `T` from one thread to another, which `T: Send` allows.
unsafe impl<T: Send> Sync for Mutex<T> {}
// ANCHOR_END: mutex

impl<T> Mutex<T> {
    pub fn new(value: T) -> Self {
        Mutex {
            state: AtomicU32::new(UNLOCKED),
            value: UnsafeCell::new(value),
        }
    }

    // ANCHOR: mutex_methods
    /// Takes the lock, sleeping while another thread holds it.
    ///
    /// - When the lock is free this is one compare-exchange, and no system call.
    /// - When it is taken, the thread marks the state [`CONTENDED`] (so that the holder will
    ///   wake somebody) and sleeps in `sync::wait` until woken, then tries again. It may spin a
    ///   little first, but it must end up asleep in `sync::wait`, not spinning (the tests check).
    ///
    /// Taking the lock is an `Acquire` operation: everything the previous holder wrote before
    /// unlocking is visible to the new holder.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        todo!(
            "8.5: 0 → 1 with one compare-exchange; if taken, mark it 2 and sleep until it is free — see the chapter, Exercise 8.5"
        )
    }

    /// Takes the lock if it is free, without waiting: `None` if another guard exists. A lock
    /// taken this way is an `Acquire` too, exactly as one taken by [`Mutex::lock`].
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        todo!("8.5: one compare-exchange, no waiting — see the chapter, Exercise 8.5")
    }

    /// Unlocks; called by the guard's `Drop` (given), never by anything else.
    ///
    /// A `Release` operation, so that the next holder sees what this one wrote. Wakes one
    /// sleeping thread with `sync::wake_one` if the state was [`CONTENDED`], and **makes no wake
    /// call at all when it was [`LOCKED`]**: with nobody waiting, unlocking costs no system call
    /// (the tests count the calls).
    fn unlock(&self) {
        todo!(
            "8.5: set it to 0 (which ordering?), and wake one waiter only if it was 2 — see the chapter, Exercise 8.5"
        )
    }
    // ANCHOR_END: mutex_methods

    /// Consumes the mutex and returns the value. Owning the mutex means no guard can exist.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// Makes the guard for a lock this thread has just taken.
    ///
    /// # Safety
    ///
    /// The caller must have just taken the lock itself (moved the state away from `UNLOCKED`
    /// with an `Acquire` operation), and must hand the guard out: the guard is what unlocks.
    unsafe fn guard(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            value: ManuallyDrop::new(self.value.get_mut()),
        }
    }
}

// ANCHOR: guard
/// Proof that the current thread holds a [`Mutex`]: it derefs to the value and unlocks when
/// dropped.
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// Write access to the value for as long as the guard lives. Under loom this is a tracked
    /// `MutPtr`: the access starts when the guard is made and ends when this pointer is dropped,
    /// so a second guard at the same time, or a guard whose access is not ordered after the
    /// previous one's, fails the model. (A plain `*mut T` in a normal build.)
    value: ManuallyDrop<MutPtr<T>>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock, so nobody else reaches the value until it is
        // dropped, and the reference cannot outlive the guard.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; and `&mut self` means no other reference through this guard.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // End the access first: once unlocked, another thread may start its own at once, and
        // loom would see two at the same time.
        // SAFETY: `self.value` is never used again.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        self.mutex.unlock();
    }
}

impl<'a, T> MutexGuard<'a, T> {
    /// Unlocks (drops the guard) and returns the mutex, so that it can be locked again later.
    /// [`Condvar::wait`](crate::condvar::Condvar::wait) uses it.
    pub fn unlock(self) -> &'a Mutex<T> {
        let mutex = self.mutex;
        drop(self);
        mutex
    }
}
// ANCHOR_END: guard

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex").finish_non_exhaustive()
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
