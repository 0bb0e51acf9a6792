//! Exercise 8.4: `Arc` and `Weak`, with the orderings of the standard library's.
//!
//! The value lives in one heap allocation with two counters. Loom does not check this file's
//! own memory (it cannot see a `Box`); the models in `tests/loom_arc.rs` share a value whose
//! reads and whose drop loom *does* track, so a drop that is not ordered after every other
//! thread's last use of the value fails there.

use std::cell::UnsafeCell;
use std::ops::Deref;
use std::ptr::NonNull;

use crate::sync::atomic::AtomicUsize;
// You will also need `Ordering` and `fence` from `crate::sync::atomic`.

// ANCHOR: arc_data
/// The shared allocation.
struct ArcData<T> {
    /// How many [`Arc`]s exist.
    strong: AtomicUsize,
    /// How many [`Weak`]s exist, *counting the one inside every `Arc`*: the allocation is freed
    /// when this reaches zero.
    weak: AtomicUsize,
    /// The value, or `None` once the last `Arc` has dropped it (while `Weak`s may still point
    /// here). This is std's `UnsafeCell`: see the module comment for how loom checks the value.
    data: UnsafeCell<Option<T>>,
}

/// A thread-safe reference-counted pointer: every clone points to the same `T`, which is
/// dropped when the last `Arc` goes.
///
/// Every `Arc` holds a [`Weak`], so the allocation lives as long as any `Arc` or `Weak` does.
pub struct Arc<T> {
    weak: Weak<T>,
}

/// A pointer to an `Arc`'s allocation that does not keep the value alive:
/// [`upgrade`](Weak::upgrade) gives an `Arc` while the value is still there.
pub struct Weak<T> {
    ptr: NonNull<ArcData<T>>,
}

// SAFETY: a `Weak` (and so an `Arc`) lets several threads reach the same `T`: `&T` through
// `Deref` on any thread (which needs `T: Sync`), and the `T` itself, dropped by whichever thread
// lets go of the last `Arc` (which needs `T: Send`). The counters are atomic.
unsafe impl<T: Send + Sync> Send for Weak<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Sync for Weak<T> {}
// ANCHOR_END: arc_data

impl<T> Arc<T> {
    /// Puts `value` in a new allocation, with one `Arc` (and so one `Weak`, inside it).
    pub fn new(value: T) -> Arc<T> {
        let data = Box::new(ArcData {
            strong: AtomicUsize::new(1),
            weak: AtomicUsize::new(1),
            data: UnsafeCell::new(Some(value)),
        });
        Arc {
            weak: Weak {
                ptr: NonNull::from(Box::leak(data)),
            },
        }
    }

    // ANCHOR: arc_methods
    /// A mutable reference to the value, if this is the only `Arc` **and** no `Weak` exists
    /// (a `Weak` could otherwise be upgraded while the `&mut T` is in use). `None` otherwise.
    ///
    /// Every use of the value by other threads, through `Arc`s and `Weak`s that are gone now,
    /// happens before the returned reference is used.
    pub fn get_mut(arc: &mut Self) -> Option<&mut T> {
        todo!(
            "8.4: unique only if no other Arc or Weak exists; then fence (which?) and hand out &mut — see the chapter, Exercise 8.4"
        )
    }

    /// A new [`Weak`] to the same allocation.
    pub fn downgrade(arc: &Self) -> Weak<T> {
        todo!("8.4: one more Weak — see the chapter, Exercise 8.4")
    }
    // ANCHOR_END: arc_methods

    /// Whether `a` and `b` point to the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.weak.ptr == b.weak.ptr
    }
}

impl<T> Weak<T> {
    /// The shared allocation. It is alive as long as this `Weak` is.
    fn data(&self) -> &ArcData<T> {
        // SAFETY: the allocation is freed only when the last `Weak` is dropped, and this one is
        // still here.
        unsafe { self.ptr.as_ref() }
    }

    // ANCHOR: weak_methods
    /// An `Arc` to the value, if some `Arc` still holds it; `None` once the last `Arc` is gone.
    ///
    /// Never brings a dropped value back: however the threads interleave, an `upgrade` that races
    /// with the drop of the last `Arc` either returns `None` or returns an `Arc` that was made
    /// before the count reached zero (so the value was not dropped).
    pub fn upgrade(&self) -> Option<Arc<T>> {
        todo!(
            "8.4: add one to a strong count that is not zero, in one atomic step — see the chapter, Exercise 8.4"
        )
    }
    // ANCHOR_END: weak_methods
}

impl<T> Deref for Arc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        let data = self.weak.data().data.get();
        // SAFETY: the value is dropped only when the last `Arc` goes, and this one is here; no
        // `&mut T` exists while another `Arc` or `Weak` does (`get_mut` makes sure of that).
        unsafe { (*data).as_ref() }.expect("an Arc's value is there while the Arc is")
    }
}

// ANCHOR: clone_drop
impl<T> Clone for Arc<T> {
    /// One more `Arc` (and so one more `Weak`).
    fn clone(&self) -> Self {
        todo!(
            "8.4: count one more Arc (which ordering?) and one more Weak — see the chapter, Exercise 8.4"
        )
    }
}

impl<T> Drop for Arc<T> {
    /// One `Arc` fewer; the last one drops the value, after every other thread's use of it. The
    /// `Weak` inside is dropped after this (it is a field), and may free the allocation.
    fn drop(&mut self) {
        todo!(
            "8.4: count one Arc fewer (which ordering?); the last one fences and drops the value — see the chapter, Exercise 8.4"
        )
    }
}

impl<T> Clone for Weak<T> {
    fn clone(&self) -> Self {
        todo!("8.4: count one more Weak — see the chapter, Exercise 8.4")
    }
}

impl<T> Drop for Weak<T> {
    /// One `Weak` fewer; the last one frees the allocation (`Box::from_raw`), after every other
    /// thread's use of it.
    fn drop(&mut self) {
        todo!(
            "8.4: count one Weak fewer; the last one fences and frees the allocation — see the chapter, Exercise 8.4"
        )
    }
}
// ANCHOR_END: clone_drop
