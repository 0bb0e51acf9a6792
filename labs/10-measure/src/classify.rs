//! Exercise 10.3: wait or compute? Classify a task from what it did with its time.

use std::time::Duration;

// ANCHOR: usage
/// How a task used its time while it was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Wall-clock time from the start of the task to its end.
    pub wall: Duration,
    /// CPU time the task's thread used in that time.
    pub cpu: Duration,
    /// Time the task's thread spent ready to run but without a core, in that time.
    pub waiting_for_cpu: Duration,
}

/// What a task mostly did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// It computed: CPU-bound.
    Cpu,
    /// It waited for something other than a core (I/O, a timer, a lock, another thread).
    Waiting,
}

/// A task is CPU-bound when its [`Usage::busy_fraction`] is at least this.
pub const CPU_BOUND_FROM: f64 = 0.5;
// ANCHOR_END: usage

// ANCHOR: todo
impl Usage {
    /// The share of its own time that the task spent running on a core: `cpu / own`, where the
    /// task's own time `own` is `wall - waiting_for_cpu` (the wall time less the time it could not
    /// run because it had no core), but never less than `cpu` (the clocks are read a moment
    /// apart, so `wall - waiting_for_cpu` can come out a hair short). Returns 0.0 when `own` is
    /// zero. The result is always in `0.0..=1.0`.
    pub fn busy_fraction(&self) -> f64 {
        todo!(
            "10.3: CPU time over the time the task was not waiting for a core — see the chapter, Exercise 10.3"
        )
    }
}

/// [`Bound::Cpu`] if the task's [`Usage::busy_fraction`] is at least [`CPU_BOUND_FROM`],
/// [`Bound::Waiting`] otherwise.
pub fn classify(usage: &Usage) -> Bound {
    todo!("10.3: compare the busy fraction with CPU_BOUND_FROM — see the chapter, Exercise 10.3")
}

/// Runs `task` on the calling thread and returns its result with its [`Usage`]: `wall` from
/// [`std::time::Instant`], `cpu` from [`crate::cpu_clock::thread_cpu_time`] and
/// `waiting_for_cpu` from [`crate::cpu_clock::run_queue_wait`], each the difference between a
/// reading just before the task and one just after it. Where `run_queue_wait` is not available
/// (`None`), `waiting_for_cpu` is zero.
pub fn measure<T>(task: impl FnOnce() -> T) -> (T, Usage) {
    todo!("10.3: read the three clocks before and after the task — see the chapter, Exercise 10.3")
}
// ANCHOR_END: todo
