//! Exercise 8.1: memory ordering made visible, with two classic litmus tests.
//!
//! Every access in this file is an atomic one, so nothing here is undefined behaviour. What the
//! orderings decide is which *values* a thread may see. The loom models in
//! `tests/loom_litmus.rs` try every value the memory model allows, so a choice that is too weak
//! fails there every time, even on an x86 machine whose hardware would hide it.

use crate::sync::atomic::{AtomicBool, AtomicU64};
// You will also need `Ordering` and `fence` from `crate::sync::atomic` (never from `std`, or
// loom cannot see them).

// ANCHOR: raise_then_look
/// One side of *store buffering*, the first step of Dekker's mutual exclusion: raise my flag,
/// then look at yours.
///
/// Stores `true` into `mine`, then reads `theirs` and returns what it read.
///
/// The guarantee: when one thread calls `raise_then_look(a, b)` and another calls
/// `raise_then_look(b, a)` at the same time, both flags starting `false`, **at least one of
/// them returns `true`**. They can both see each other, or one can see the other, but they
/// cannot both miss each other.
///
/// Loom models `SeqCst` loads and stores as if they were `AcqRel` (its README says so), so it
/// rejects a version that relies on `SeqCst` *accesses* for this guarantee, although Rust's
/// memory model accepts it. Loom does support `fence(SeqCst)`: use that.
pub fn raise_then_look(mine: &AtomicBool, theirs: &AtomicBool) -> bool {
    todo!(
        "8.1: store to `mine`, then load `theirs` — which orderings, and which fence between them? — see the chapter, Exercise 8.1"
    )
}
// ANCHOR_END: raise_then_look

// ANCHOR: mailbox
/// *Message passing*: one thread publishes a value, others check whether it is there yet.
///
/// `value` stands for any amount of data (a buffer, a struct): it is written and read with
/// `Relaxed` accesses, and `ready` says whether it has been published.
#[derive(Debug)]
pub struct Mailbox {
    value: AtomicU64,
    ready: AtomicBool,
}

impl Mailbox {
    /// An empty mailbox.
    pub fn new() -> Self {
        Mailbox {
            value: AtomicU64::new(0),
            ready: AtomicBool::new(false),
        }
    }

    /// Writes `value` into the mailbox, then marks it ready. Called at most once per mailbox.
    ///
    /// Write both with `Relaxed` stores, and make the publication a release with a **fence**:
    /// any thread whose [`read`](Self::read) returns `Some(v)` must get `v == value`, never the
    /// mailbox's initial 0.
    pub fn publish(&self, value: u64) {
        todo!(
            "8.1: store the value, then the flag, with Relaxed stores and a fence — which fence, and where? — see the chapter, Exercise 8.1"
        )
    }

    /// `Some(value)` once the value has been published, `None` before.
    ///
    /// Read `ready` with a `Relaxed` load and, only when it says ready, use a **fence** before
    /// reading the value, so that the value read is the published one.
    pub fn read(&self) -> Option<u64> {
        todo!(
            "8.1: load the flag, and only if it is set, fence and load the value — see the chapter, Exercise 8.1"
        )
    }
}
// ANCHOR_END: mailbox

impl Default for Mailbox {
    fn default() -> Self {
        Self::new()
    }
}
