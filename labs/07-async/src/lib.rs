//! Lab 07: async I/O with tokio, against a local server with real latency.
//!
//! One module per exercise of the chapter *Async I/O with tokio* (`book/07-async.md`), plus three
//! given modules: [`server`], the server the tests and benchmarks talk to, [`http`], the client
//! side of its small HTTP subset, and [`threaded`], the thread-based clients to compare with.
//! Each function's documentation states the contract that the graded tests in `tests/` check.

// The `todo!()` gaps leave their arguments unused. Delete this line once every exercise is done.
#![allow(unused_variables)]

pub mod blocking;
pub mod bounded;
pub mod concurrent;
pub mod deadlines;
pub mod fetch;
pub mod http;
pub mod queue;
pub mod race;
pub mod server;
pub mod threaded;
