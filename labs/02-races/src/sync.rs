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
//! Loom's types only work inside `loom::model`: with the feature on, calling the lab's code
//! outside a model panics. That is why the plain tests and the examples never enable it.
//!
//! This file is given: you do not need to change it.

// ANCHOR: switch
#[cfg(feature = "loom")]
pub use loom::{
    cell::UnsafeCell,
    hint,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
    thread,
};

#[cfg(not(feature = "loom"))]
pub use self::std_cell::UnsafeCell;
#[cfg(not(feature = "loom"))]
pub use std::{
    hint,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
    thread,
};
// ANCHOR_END: switch

#[cfg(not(feature = "loom"))]
mod std_cell {
    /// [`std::cell::UnsafeCell`] behind the API of `loom::cell::UnsafeCell`.
    ///
    /// Loom cannot see a raw pointer being dereferenced, so its `UnsafeCell` hands the pointer to
    /// a closure instead, and records a read (`with`) or a write (`with_mut`) each time. If two
    /// threads touch the cell without a happens-before edge between them, the model fails. This
    /// wrapper has the same two methods, so the lab's code reads the same in both builds; here
    /// they just pass the pointer on.
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
        /// Calls `f` with a pointer for reading the value.
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Calls `f` with a pointer for writing the value.
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}
