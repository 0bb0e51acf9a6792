//! Exercise 8.7: a reader–writer lock that does not starve writers.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use crate::sync::atomic::AtomicU32;
use crate::sync::{ConstPtr, MutPtr, UnsafeCell};
// You will also need `Ordering` from `crate::sync::atomic`, and `crate::sync::{wait, wake_one,
// wake_all}`.

// ANCHOR: rwlock
/// The state when write-locked.
const WRITE_LOCKED: u32 = u32::MAX;

/// A lock that any number of readers may hold at once, or one writer alone, like
/// [`std::sync::RwLock`] (minus poisoning).
///
/// **Writers are not starved**: once a writer waits, new readers wait too (behind it), so a
/// steady stream of readers cannot keep a writer out forever.
pub struct RwLock<T> {
    /// Twice the number of readers holding the lock, plus one if a writer is waiting;
    /// [`WRITE_LOCKED`] while a writer holds it. So it is *even* when no writer waits, and *odd*
    /// when one does. Readers sleep on it.
    state: AtomicU32,
    /// Changed every time a writer may be able to go on; writers sleep on it.
    writer_wake_counter: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: readers on several threads share `&T` (which needs `T: Sync`), and a writer may hold
// the `T` on any thread (which needs `T: Send`), as for `std::sync::RwLock`.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}
// ANCHOR_END: rwlock

impl<T> RwLock<T> {
    pub fn new(value: T) -> Self {
        RwLock {
            state: AtomicU32::new(0),
            writer_wake_counter: AtomicU32::new(0),
            value: UnsafeCell::new(value),
        }
    }

    // ANCHOR: rwlock_methods
    /// Takes a read lock, sleeping while a writer holds the lock **or waits for it**.
    ///
    /// An `Acquire` operation: the reader sees everything the last writer wrote.
    ///
    /// # Panics
    ///
    /// If so many readers hold the lock that the count would overflow.
    pub fn read(&self) -> ReadGuard<'_, T> {
        todo!(
            "8.7: add a reader (+2) while the state is even; sleep while it is odd — see the chapter, Exercise 8.7"
        )
    }

    /// Takes a read lock if that needs no waiting: `None` while a writer holds the lock or waits
    /// for it.
    pub fn try_read(&self) -> Option<ReadGuard<'_, T>> {
        todo!(
            "8.7: add a reader only while the state is even, never sleep — see the chapter, Exercise 8.7"
        )
    }

    /// Takes the write lock, sleeping until no reader and no other writer holds the lock.
    ///
    /// While it waits, it keeps the state odd, so that new readers wait behind it. An `Acquire`
    /// operation, like [`read`](Self::read).
    pub fn write(&self) -> WriteGuard<'_, T> {
        todo!(
            "8.7: take it when the state is 0 or 1; otherwise make it odd and sleep on the writer counter — see the chapter, Exercise 8.7"
        )
    }

    /// Drops one read lock; called by the read guard's `Drop` (given).
    ///
    /// A `Release` operation. The last reader out wakes a waiting writer, if there is one.
    fn read_unlock(&self) {
        todo!(
            "8.7: one reader fewer (-2); the last one out before a waiting writer wakes it — see the chapter, Exercise 8.7"
        )
    }

    /// Drops the write lock; called by the write guard's `Drop` (given).
    ///
    /// A `Release` operation. Wakes a waiting writer, **and every waiting reader**.
    fn write_unlock(&self) {
        todo!(
            "8.7: unlock (which ordering?), then wake one writer and all readers — see the chapter, Exercise 8.7"
        )
    }
    // ANCHOR_END: rwlock_methods

    /// Consumes the lock and returns the value.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// Makes a read guard for a read lock this thread has just taken.
    ///
    /// # Safety
    ///
    /// The caller must have just added itself as a reader with an `Acquire` operation, and must
    /// hand the guard out: the guard is what unlocks.
    unsafe fn read_guard(&self) -> ReadGuard<'_, T> {
        ReadGuard {
            lock: self,
            value: ManuallyDrop::new(self.value.get()),
        }
    }

    /// Makes the write guard for the write lock this thread has just taken.
    ///
    /// # Safety
    ///
    /// The caller must have just set the state to `WRITE_LOCKED` with an `Acquire` operation,
    /// and must hand the guard out.
    unsafe fn write_guard(&self) -> WriteGuard<'_, T> {
        WriteGuard {
            lock: self,
            value: ManuallyDrop::new(self.value.get_mut()),
        }
    }
}

// ANCHOR: guards
/// A read lock: derefs to the value, unlocks when dropped.
pub struct ReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// Read access for as long as the guard lives (tracked by loom, like the mutex guard's).
    value: ManuallyDrop<ConstPtr<T>>,
}

/// The write lock: derefs to the value, unlocks when dropped.
pub struct WriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// Write access for as long as the guard lives.
    value: ManuallyDrop<MutPtr<T>>,
}
// ANCHOR_END: guards

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: while this read lock is held no writer exists, and the reference cannot
        // outlive the guard.
        unsafe { ConstPtr::deref(&self.value) }
    }
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        // End the access before unlocking, as in the mutex guard.
        // SAFETY: `self.value` is never used again.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        self.lock.read_unlock();
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard holds the write lock: nobody else reaches the value.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; and `&mut self` means no other reference through this guard.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: `self.value` is never used again.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        self.lock.write_unlock();
    }
}

impl<T> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLock").finish_non_exhaustive()
    }
}
