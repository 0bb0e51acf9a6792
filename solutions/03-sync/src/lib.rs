//! Lab 03: synchronisation — condition variables, channels and deadlock.
//!
//! One module per exercise of the chapter *Synchronisation: queues, latches, channels and
//! deadlock* (`book/03-sync.md`). Each item's documentation states the contract that the graded
//! tests in `tests/` check. [`sync`] is given: it switches the primitives to loom's when the
//! `loom` feature is on.

pub mod latch;
pub mod merge;
pub mod philosophers;
pub mod pipeline;
pub mod queue;
pub mod sync;
