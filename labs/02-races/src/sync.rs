//! The primitives this lab is built from: the standard library's in a normal build, loom's when
//! the `loom` cargo feature is on.
//!
//! Every module of the lab imports its `Mutex`, atomics, `UnsafeCell` and so on from here, never
//! from `std` directly. That one switch is what lets the models in `tests/loom_*.rs` run the very
//! code the plain tests run, with loom in charge of every thread switch:
//!
//! ```console
//! $ cargo test -p lab-races --release --features loom
//! ```
//!
//! Loom's types only work inside a loom model: with the feature on, calling the lab's code
//! outside a model panics. That is why the plain tests and the examples never enable it.
//!
//! This file is given: you do not need to change it.

// ANCHOR: switch
#[cfg(feature = "loom")]
pub use loom::{
    cell::{ConstPtr, MutPtr, UnsafeCell},
    hint,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard},
    thread,
};

#[cfg(not(feature = "loom"))]
pub use self::std_cell::{ConstPtr, MutPtr, UnsafeCell};
#[cfg(not(feature = "loom"))]
pub use std::{
    hint,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
    thread,
};
// ANCHOR_END: switch

/// Loom's atomics, except for [`AtomicBool`](atomic::AtomicBool), whose `swap` works around a
/// bug of loom 0.7 (see its documentation).
#[cfg(feature = "loom")]
pub mod atomic {
    pub use loom::sync::atomic::{
        AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU16,
        AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    };

    pub use super::loom_bool::AtomicBool;
}

#[cfg(feature = "loom")]
mod loom_bool {
    use loom::sync::atomic::Ordering;

    /// `loom::sync::atomic::AtomicBool`, except that a read-modify-write that would store the
    /// value the flag already holds (a `swap(true, …)` on a flag that is `true`) stores nothing.
    ///
    /// Loom 0.7 lets a plain `store` from another thread slip in between the read and the write of
    /// a read-modify-write, which no processor does (loom issues #254, #389; the fix, loom pull
    /// request #391, is not released). A spin lock that waits with `while locked.swap(true, …)`
    /// then meets executions that cannot happen: the unlocking `store(false)` is lost under the
    /// spinner's `swap(true)`, the lock stays taken forever, and loom stops with "Model exceeded
    /// maximum number of branches". A `swap` that writes the value already there changes no value
    /// any thread can read, so leaving its write out keeps loom away from its bug without hiding
    /// one of yours. (It does leave out that write's own `Release`, if it had one, so loom may see
    /// less synchronisation than there really is, never more: at worst a false alarm. A spin lock
    /// acquires with its `swap` and releases with its unlocking `store`, and is not affected.)
    /// Every other operation is loom's own.
    #[derive(Debug)]
    pub struct AtomicBool(loom::sync::atomic::AtomicBool);

    impl AtomicBool {
        #[track_caller]
        pub fn new(value: bool) -> Self {
            AtomicBool(loom::sync::atomic::AtomicBool::new(value))
        }

        #[track_caller]
        pub fn load(&self, order: Ordering) -> bool {
            self.0.load(order)
        }

        #[track_caller]
        pub fn store(&self, value: bool, order: Ordering) {
            self.0.store(value, order)
        }

        #[track_caller]
        pub fn swap(&self, value: bool, order: Ordering) -> bool {
            // Writes only when the flag changes; `Err` means it already held `value`.
            match self
                .0
                .compare_exchange(!value, value, order, load_part(order))
            {
                Ok(old) | Err(old) => old,
            }
        }

        #[track_caller]
        pub fn compare_exchange(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            self.0.compare_exchange(current, new, success, failure)
        }

        #[track_caller]
        pub fn compare_exchange_weak(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            self.0.compare_exchange_weak(current, new, success, failure)
        }

        #[track_caller]
        pub fn fetch_or(&self, value: bool, order: Ordering) -> bool {
            if value {
                self.swap(true, order)
            } else {
                self.0.fetch_or(false, order)
            }
        }

        #[track_caller]
        pub fn fetch_and(&self, value: bool, order: Ordering) -> bool {
            if value {
                self.0.fetch_and(true, order)
            } else {
                self.swap(false, order)
            }
        }

        #[track_caller]
        pub fn fetch_nand(&self, value: bool, order: Ordering) -> bool {
            self.0.fetch_nand(value, order)
        }

        #[track_caller]
        pub fn fetch_xor(&self, value: bool, order: Ordering) -> bool {
            self.0.fetch_xor(value, order)
        }

        #[track_caller]
        pub fn fetch_update<F>(
            &self,
            set_order: Ordering,
            fetch_order: Ordering,
            f: F,
        ) -> Result<bool, bool>
        where
            F: FnMut(bool) -> Option<bool>,
        {
            self.0.fetch_update(set_order, fetch_order, f)
        }

        pub fn into_inner(self) -> bool {
            self.0.into_inner()
        }
    }

    impl Default for AtomicBool {
        fn default() -> Self {
            Self::new(false)
        }
    }

    /// The ordering of the read alone, for the case where nothing is written.
    fn load_part(order: Ordering) -> Ordering {
        match order {
            Ordering::Release | Ordering::Relaxed => Ordering::Relaxed,
            Ordering::Acquire | Ordering::AcqRel => Ordering::Acquire,
            _ => Ordering::SeqCst,
        }
    }
}

#[cfg(not(feature = "loom"))]
mod std_cell {
    /// [`std::cell::UnsafeCell`] behind the API of `loom::cell::UnsafeCell`.
    ///
    /// Loom cannot see a raw pointer being dereferenced, so its `UnsafeCell` has no plain
    /// `get() -> *mut T`. Its `get()` and `get_mut()` return a [`ConstPtr`] or a [`MutPtr`]
    /// instead: a raw pointer together with a record, kept for as long as the pointer lives, that
    /// the cell is being read or written. If two threads hold such pointers with no happens-before
    /// edge between them (or one writes while another holds any), the model fails. This wrapper
    /// has the same methods, so the lab's code reads the same in both builds; here the pointers
    /// are plain raw pointers and nothing is recorded.
    #[derive(Debug)]
    pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub const fn new(value: T) -> Self {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        /// A pointer for reading the value, for as long as it lives.
        pub fn get(&self) -> ConstPtr<T> {
            ConstPtr(self.0.get())
        }

        /// A pointer for reading and writing the value, for as long as it lives.
        pub fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    /// A `*const T` from [`UnsafeCell::get`].
    #[derive(Debug)]
    pub struct ConstPtr<T: ?Sized>(*const T);

    impl<T: ?Sized> ConstPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// As for dereferencing a `*const T`: the value must be alive, and nobody may write it
        /// while the reference lives.
        pub unsafe fn deref(&self) -> &T {
            // SAFETY: the caller's promise.
            unsafe { &*self.0 }
        }
    }

    /// A `*mut T` from [`UnsafeCell::get_mut`].
    #[derive(Debug)]
    pub struct MutPtr<T: ?Sized>(*mut T);

    impl<T: ?Sized> MutPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// As for dereferencing a `*mut T`: the value must be alive, and nothing else may read or
        /// write it while the reference lives.
        #[allow(clippy::mut_from_ref)]
        pub unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller's promise.
            unsafe { &mut *self.0 }
        }
    }
}
