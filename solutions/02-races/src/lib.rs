//! Lab 02: race conditions — locks, atomics and a spin lock, proved with loom.
//!
//! One module per exercise of the chapter *Races: locks, atomics and loom* (`book/02-races.md`).
//! Each type's documentation states the contract that the graded tests in `tests/` check.
//! Every module takes its primitives from [`sync`], so that the loom models in `tests/loom_*.rs`
//! can run the same code under `cargo test -p lab-races --release --features loom`.

pub mod atomic_counter;
pub mod bank;
pub mod cache;
pub mod counter;
pub mod mutex_counter;
pub mod spinlock;
pub mod sync;

#[doc = include_str!("unsynchronised.md")]
pub mod unsynchronised {}
