//! Exercise 2.3: a spin lock on an `AtomicBool`, with an RAII guard.

use std::ops::{Deref, DerefMut};

use crate::counter::Counter;
use crate::sync::atomic::AtomicBool;
use crate::sync::{MutPtr, UnsafeCell};
// You will also need `Ordering` (from `crate::sync::atomic`) and `crate::sync::hint`. Take them
// from `crate::sync`, never from `std`, or the loom models cannot see them.

// ANCHOR: spinlock
/// A lock that waits by spinning: a thread that finds it taken retries in a loop instead of
/// going to sleep. It protects a `T` the way [`std::sync::Mutex`] does: the only way to the data
/// is through the [`SpinLockGuard`] that [`lock`](SpinLock::lock) returns, and dropping the guard
/// unlocks.
#[derive(Debug)]
pub struct SpinLock<T> {
    /// `true` while some guard exists.
    locked: AtomicBool,
    data: UnsafeCell<T>,
}

// SAFETY: the lock lets one thread at a time reach `data`, so sharing a `SpinLock` between threads
// only ever hands the `T` from one thread to another, which `T: Send` allows. (`T: Sync` is not
// needed, since no two threads ever see the `T` at once. `std::sync::Mutex` has the same bound.)
unsafe impl<T: Send> Sync for SpinLock<T> {}
// ANCHOR_END: spinlock

// ANCHOR: spinlock_methods
impl<T> SpinLock<T> {
    pub fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            data: UnsafeCell::new(value),
        }
    }

    /// Takes the lock if it is free, without waiting: `None` if another guard exists.
    ///
    /// Taking the lock is an `Acquire` operation: everything the previous holder wrote before
    /// unlocking is visible to the new holder.
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        todo!(
            "2.3: see and take a free lock in one atomic step (which ordering?), then make the guard — see the chapter, Exercise 2.3"
        )
    }

    /// Takes the lock, spinning until it is free. Every turn of the waiting loop calls
    /// `hint::spin_loop()` (from `crate::sync`), which tells the processor, or loom, that this
    /// thread is waiting for another one.
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        todo!(
            "2.3: try again until the lock is yours, with hint::spin_loop() on every turn — see the chapter, Exercise 2.3"
        )
    }
    // ANCHOR_END: spinlock_methods

    /// Consumes the lock and returns the data. Owning the lock means no guard can exist.
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    /// Makes the guard for a lock this thread has just taken.
    ///
    /// # Safety
    ///
    /// The caller must have just set `locked` from `false` to `true` itself, with `Acquire`
    /// ordering, and must hand the guard out: the guard is what unlocks.
    unsafe fn guard(&self) -> SpinLockGuard<'_, T> {
        SpinLockGuard {
            lock: self,
            data: self.data.get_mut(),
        }
    }
}

// ANCHOR: guard
/// Proof that the current thread holds a [`SpinLock`]; it derefs to the data and unlocks when
/// dropped.
#[derive(Debug)]
pub struct SpinLockGuard<'a, T> {
    lock: &'a SpinLock<T>,
    /// The pointer to the data, taken when the lock was taken and kept until the guard is gone.
    /// Under loom, a `MutPtr` records that this thread is using the data for as long as it lives,
    /// so a second guard at the same time, or one not ordered after this one's unlock, fails the
    /// model. (Fields are dropped after `Drop::drop` has run, so the record ends right after the
    /// unlocking store, before any other thread can run.)
    data: MutPtr<T>,
}

// A raw pointer is neither `Send` nor `Sync`, so neither is a type that holds one, unless it says
// otherwise. Sharing a `&SpinLockGuard` between threads shares a `&T`, which is sound exactly
// when `T: Sync` (`std::sync::MutexGuard` has the same impl). The guard stays `!Send`, like
// `MutexGuard`: nothing here needs to move a guard to another thread.
// SAFETY: through `&SpinLockGuard` only `Deref` is reachable, which hands out `&T`.
unsafe impl<T: Sync> Sync for SpinLockGuard<'_, T> {}

impl<T> SpinLockGuard<'_, T> {
    /// Unlocks now; the same as dropping the guard.
    pub fn unlock(self) {
        todo!("2.3: unlock exactly once — see the chapter, Exercise 2.3")
    }
}

impl<T> Drop for SpinLockGuard<'_, T> {
    /// Unlocks, so that the next thread to take the lock sees every write made through this
    /// guard.
    fn drop(&mut self) {
        todo!("2.3: release the lock (which ordering?) — see the chapter, Exercise 2.3")
    }
}

impl<T> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock, so no other thread can reach the data until it is
        // dropped, and the reference cannot outlive the guard (nor, so, the lock it borrows).
        unsafe { self.data.deref() }
    }
}

impl<T> DerefMut for SpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; and `&mut self` means there is no other reference through this
        // guard.
        unsafe { self.data.deref() }
    }
}
// ANCHOR_END: guard

/// A spin lock around a plain `u64` is a counter too (the benchmarks compare it with the others).
impl Counter for SpinLock<u64> {
    fn increment(&self) {
        *self.lock() += 1;
    }

    fn get(&self) -> u64 {
        *self.lock()
    }
}
