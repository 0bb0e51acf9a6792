//! Lab 01: threads — spawn, join and scope.
//!
//! One module per exercise of the chapter *Threads: spawn, join and scope*
//! (`book/01-threads.md`). Each function's documentation states the contract that the graded
//! tests in `tests/` check.

pub mod chunks;
pub mod downloads;
pub mod handles;
pub mod panics;
pub mod progress;

#[doc = include_str!("send_sync.md")]
pub mod send_sync {}
