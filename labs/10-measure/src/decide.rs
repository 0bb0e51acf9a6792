//! Exercise 10.6: decide. From a description of the work to the way to run it, with a reason:
//! the Python sources' decision guide, redone for Rust.

use std::time::Duration;

use crate::classify::Bound;

// ANCHOR: types
/// The work to be done: many tasks of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// What each task mostly does: compute, or wait (for the network, a disk, a timer).
    pub bound: Bound,
    /// How many independent tasks there are, all available at once.
    pub tasks: usize,
    /// How long one task takes: its computing time if CPU-bound, its waiting time if waiting.
    pub per_task: Duration,
    /// A task may crash, leak, hang or misbehave without taking the others down; or a task is
    /// another program.
    pub needs_isolation: bool,
    /// The tasks read and update data they share.
    pub shared_state: bool,
}

/// A way to run the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recommendation {
    /// One after another, on the thread you have.
    OneThread,
    /// A pool of threads that block while they wait, one task per thread at a time.
    ThreadPool,
    /// Async tasks on a runtime such as tokio.
    Async,
    /// Rayon: one thread per core, the work split among them.
    Rayon,
    /// Separate processes.
    Processes,
}

/// A recommendation and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub recommendation: Recommendation,
    /// The reason, in words for a person (not empty).
    pub reason: String,
}

/// Below this much work in total (`tasks × per_task`), running it on more threads costs more
/// than it saves.
pub const TINY_TOTAL: Duration = Duration::from_millis(1);

/// From this many waiting tasks on, a thread per waiting task costs too much, and async is the
/// way.
pub const MANY_WAITS: usize = 1_000;
// ANCHOR_END: types

// ANCHOR: decide
/// The way to run `work`, by the first of these rules that applies:
///
/// 1. it needs isolation → [`Recommendation::Processes`] (only a process boundary contains a
///    crash, and another program runs in a process of its own);
/// 2. there is at most one task, or the total work `tasks × per_task` is less than
///    [`TINY_TOTAL`] → [`Recommendation::OneThread`];
/// 3. it is CPU-bound → [`Recommendation::Rayon`]: Rust has no global interpreter lock, so
///    threads compute in parallel, shared state or not;
/// 4. it waits, with at least [`MANY_WAITS`] tasks → [`Recommendation::Async`];
/// 5. it waits, with fewer tasks → [`Recommendation::ThreadPool`].
///
/// The reason is never empty.
pub fn decide(work: &Workload) -> Advice {
    todo!("10.6: apply the five rules in order — see the chapter, Exercise 10.6")
}
// ANCHOR_END: decide
