//! Loom models for Exercise 8.4.
//!
//! Loom cannot see the `Arc`'s own allocation, so these models share a [`Tracked`] value, whose
//! reads and whose drop go through loom's `UnsafeCell`. A drop that is not ordered after another
//! thread's read of the value fails with a "Causality violation", however the threads interleave.
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_arc`.

mod common;

use common::Counted;
use lab_primitives::arc::Arc;
use lab_primitives::sync::atomic::{AtomicUsize, Ordering};
use lab_primitives::sync::{Arc as LoomArc, UnsafeCell, thread};
use lab_support::loom::{Bound, model};

/// A number whose every read, write and drop loom records.
struct Tracked {
    value: UnsafeCell<u32>,
}

// SAFETY: shared `&Tracked`s only read the value; writes need `&mut`.
unsafe impl Sync for Tracked {}

impl Tracked {
    fn new(value: u32) -> Self {
        Tracked {
            value: UnsafeCell::new(value),
        }
    }

    fn read(&self) -> u32 {
        // SAFETY: a read through `&self`; writers need `&mut self`.
        self.value.with(|value| unsafe { *value })
    }

    fn add(&mut self, n: u32) {
        // SAFETY: `&mut self` is exclusive.
        self.value.with_mut(|value| unsafe { *value += n });
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // Dropping writes: loom checks that every read happened before it.
        self.value.with_mut(|value| unsafe { *value = 0 });
    }
}

#[test]
fn the_last_arc_drops_the_value_after_every_other_use() {
    model(Bound::Exhaustive, || {
        let mine = Arc::new(Tracked::new(7));
        let theirs = mine.clone();
        let other = thread::spawn(move || {
            assert_eq!(theirs.read(), 7);
            drop(theirs);
        });
        assert_eq!(mine.read(), 7);
        drop(mine);
        other.join().expect("the other thread panicked");
    });
}

#[test]
fn upgrade_never_brings_a_dropped_value_back() {
    model(Bound::Exhaustive, || {
        let strong = Arc::new(Tracked::new(7));
        let weak = Arc::downgrade(&strong);
        let other = thread::spawn(move || {
            if let Some(upgraded) = weak.upgrade() {
                assert_eq!(upgraded.read(), 7, "upgrade gave an Arc to a dropped value");
            }
        });
        drop(strong);
        other.join().expect("the other thread panicked");
    });
}

#[test]
fn get_mut_comes_after_every_other_handle_is_done() {
    model(Bound::Exhaustive, || {
        let mut mine = Arc::new(Tracked::new(1));
        let weak = Arc::downgrade(&mine);
        let theirs = mine.clone();
        let other = thread::spawn(move || {
            assert!(theirs.read() >= 1);
            drop(theirs);
            if let Some(upgraded) = weak.upgrade() {
                assert!(upgraded.read() >= 1);
            }
        });
        if let Some(value) = Arc::get_mut(&mut mine) {
            value.add(1);
        }
        other.join().expect("the other thread panicked");
        Arc::get_mut(&mut mine)
            .expect("every other handle is gone: get_mut must succeed")
            .add(1);
    });
}

#[test]
fn clones_made_on_two_threads_at_once_are_all_counted() {
    model(Bound::Exhaustive, || {
        let drops = LoomArc::new(AtomicUsize::new(0));
        let mine = Arc::new(Counted::new(&drops));
        let theirs = mine.clone();
        let other = thread::spawn(move || {
            let extra = theirs.clone();
            drop(theirs);
            drop(extra);
        });
        let extra = mine.clone();
        drop(extra);
        other.join().expect("the other thread panicked");
        assert_eq!(
            drops.load(Ordering::Relaxed),
            0,
            "this thread still holds an Arc, so the value must be alive: two clones made at the \
             same moment must both be counted"
        );
        drop(mine);
        assert_eq!(
            drops.load(Ordering::Relaxed),
            1,
            "the last Arc is gone: the value must be dropped exactly once"
        );
    });
}
