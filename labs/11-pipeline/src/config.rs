//! The pipeline's knobs (given, not an exercise): how many fetches at once, how big the queues
//! are, and how hard to try each URL.

use std::time::Duration;

// ANCHOR: policy
/// How hard the fetch stage tries each URL (Exercise 11.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The time limit of each attempt.
    pub timeout: Duration,
    /// How many attempts at most (at least 1).
    pub attempts: u32,
    /// The pause before the second attempt; each later pause is twice the one before.
    pub backoff: Duration,
}
// ANCHOR_END: policy

impl Default for Policy {
    /// 10 s per attempt, 3 attempts, 100 ms then 200 ms between them.
    fn default() -> Policy {
        Policy {
            timeout: Duration::from_secs(10),
            attempts: 3,
            backoff: Duration::from_millis(100),
        }
    }
}

// ANCHOR: config
/// The bounds of a run. Each must be at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// `K`: how many items the fetch stage may have at once, from the start of their fetch
    /// until the CPU stage's channel has taken them.
    pub in_flight: usize,
    /// `C`: the capacity of the channel from the fetch stage to the CPU stage.
    pub hand_over: usize,
    /// `W`: how many items may be in the pipeline at once, from the moment the fetch stage
    /// starts them until their line is written. It bounds the reorder buffer.
    pub window: usize,
    /// How hard to try each URL.
    pub policy: Policy,
}
// ANCHOR_END: config

impl Config {
    /// The bounds for `in_flight` fetches and a CPU pool of `cpu_workers` threads: a hand-over
    /// channel of two items per worker, and a window with room for everything the stages can
    /// hold at once, twice over.
    pub fn new(in_flight: usize, cpu_workers: usize) -> Config {
        let hand_over = 2 * cpu_workers.max(1);
        Config {
            in_flight,
            hand_over,
            window: 2 * (in_flight + hand_over + cpu_workers.max(1)),
            policy: Policy::default(),
        }
    }
}
