//! Helpers for this lab's tests only: rayon pools of a known size, a meeting that proves work ran
//! on several rayon threads at once, and reproducible "random" inputs. This folder is not a test
//! target of its own. The general helpers (bounded waits, `lock`) come from `lab_support`.
//!
//! Every wait here is bounded by [`PATIENCE`]. The limit never decides whether correct code
//! passes (correct code is done long before it); it only turns a hang into a failure with a
//! message that says what was expected.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread::{self, ThreadId};

use lab_support::{PATIENCE, lock};
use rayon::{ThreadPool, ThreadPoolBuilder};

/// A rayon pool of exactly `threads` threads, built by the test itself (not by the lab code).
///
/// A pool of two threads has two threads even on a machine with one core: the tests never
/// assume more than one core, only that the operating system runs every thread now and then.
pub fn test_pool(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("the test could not start a rayon pool")
}

/// A meeting point that proves work ran on several threads at the same time.
///
/// Each call of [`Meeting::arrive`] records the calling thread, then waits until `threads`
/// *different* threads have arrived. Work that runs on one thread only (a sequential
/// iterator, a `join` that runs its halves one after the other) blocks at its first arrival,
/// and after [`PATIENCE`] the meeting is missed. Once the meeting has taken place (or been
/// missed), every later call returns at once, so a test fails after one [`PATIENCE`], not
/// one per item.
pub struct Meeting {
    threads: usize,
    state: Mutex<MeetingState>,
    changed: Condvar,
}

struct MeetingState {
    arrived: HashSet<ThreadId>,
    /// `rayon::current_thread_index()` of every arrival: `None` outside any rayon pool.
    rayon_indices: HashSet<Option<usize>>,
    outcome: Option<bool>,
}

impl Meeting {
    pub fn new(threads: usize) -> Self {
        Meeting {
            threads,
            state: Mutex::new(MeetingState {
                arrived: HashSet::new(),
                rayon_indices: HashSet::new(),
                outcome: None,
            }),
            changed: Condvar::new(),
        }
    }

    /// Arrives, then waits until `threads` different threads have arrived. Returns how many
    /// different threads had arrived when the meeting took place (`Ok`) or was missed (`Err`).
    pub fn arrive(&self) -> Result<usize, usize> {
        let mut state = lock(&self.state);
        state.arrived.insert(thread::current().id());
        state.rayon_indices.insert(rayon::current_thread_index());
        if state.outcome.is_none() && state.arrived.len() >= self.threads {
            state.outcome = Some(true);
            self.changed.notify_all();
        }
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, PATIENCE, |s| s.outcome.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        if state.outcome.is_none() {
            state.outcome = Some(false);
            self.changed.notify_all();
        }
        let arrived = state.arrived.len();
        if state.outcome == Some(true) {
            Ok(arrived)
        } else {
            Err(arrived)
        }
    }

    /// [`Meeting::arrive`], panicking with a message about `work` if the meeting is missed.
    pub fn arrive_or_panic(&self, work: &str) {
        if let Err(arrived) = self.arrive() {
            panic!(
                "{work} ran on only {arrived} thread(s) at a time, but a rayon pool of {} \
                 threads was waiting for work: the work must be split so that every thread \
                 of the pool takes part",
                self.threads
            );
        }
    }

    /// The sorted rayon thread indices of the threads that arrived.
    ///
    /// # Panics
    ///
    /// If some arrival was not on a thread of a rayon pool.
    pub fn rayon_indices(&self) -> Vec<usize> {
        let state = lock(&self.state);
        let mut indices: Vec<usize> = state
            .rayon_indices
            .iter()
            .map(|index| {
                index.expect(
                    "some of the work ran outside any rayon pool (rayon::current_thread_index() \
                     was None): use rayon's parallel iterators or rayon::join, which run on the \
                     current pool",
                )
            })
            .collect();
        indices.sort_unstable();
        indices
    }
}

/// A small deterministic pseudo-random number generator (SplitMix64), so that every run of a
/// test sees the same "random" inputs.
pub struct Numbers(u64);

impl Numbers {
    pub fn seeded(seed: u64) -> Self {
        Numbers(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}
