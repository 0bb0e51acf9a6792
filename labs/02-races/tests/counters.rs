//! Exercises 2.1 and 2.2: `MutexCounter` and `AtomicCounter`.
//!
//! These run on real threads, so they only catch a lost update, or a count that goes past its
//! limit, when the threads happen to interleave badly; `tests/loom_counters.rs` checks every
//! interleaving.

// With the `loom` feature on, the lab's types only work inside a loom model: this file is for
// plain `cargo test` only.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use lab_races::atomic_counter::AtomicCounter;
use lab_races::counter::{Counter, count_on_threads};
use lab_races::mutex_counter::MutexCounter;
use lab_support::{Rendezvous, within_patience};

const THREADS: usize = 4;
const PER_THREAD: u64 = 20_000;

fn counts_one_at_a_time(counter: &dyn Counter) {
    assert_eq!(counter.get(), 0, "a new counter starts at 0");
    counter.increment();
    assert_eq!(counter.get(), 1, "one increment makes 1");
    for _ in 0..9 {
        counter.increment();
    }
    assert_eq!(counter.get(), 10, "ten increments make 10");
}

#[test]
fn mutex_counter_counts_on_one_thread() {
    within_patience("counting on one thread (a lock taken twice?)", || {
        counts_one_at_a_time(&MutexCounter::new())
    });
}

#[test]
fn mutex_counter_loses_no_update_across_threads() {
    let total = within_patience("four threads counting (a lock never released?)", || {
        count_on_threads(&MutexCounter::new(), THREADS, PER_THREAD)
    });
    assert_eq!(
        total,
        THREADS as u64 * PER_THREAD,
        "{THREADS} threads each incremented {PER_THREAD} times: every increment must count"
    );
}

#[test]
fn atomic_counter_counts_on_one_thread() {
    within_patience("counting on one thread", || {
        counts_one_at_a_time(&AtomicCounter::new())
    });
}

#[test]
fn atomic_counter_loses_no_update_across_threads() {
    let total = within_patience("four threads counting", || {
        count_on_threads(&AtomicCounter::new(), THREADS, PER_THREAD)
    });
    assert_eq!(
        total,
        THREADS as u64 * PER_THREAD,
        "{THREADS} threads each incremented {PER_THREAD} times: every increment must count"
    );
}

#[test]
fn increment_if_below_stops_at_the_limit() {
    within_patience("increment_if_below on one thread", || {
        let counter = AtomicCounter::new();
        assert!(counter.increment_if_below(2), "0 is below 2: must add");
        assert!(counter.increment_if_below(2), "1 is below 2: must add");
        assert!(
            !counter.increment_if_below(2),
            "the count has reached the limit 2: must refuse"
        );
        assert_eq!(counter.get(), 2, "a refused increment changes nothing");
        assert!(
            !counter.increment_if_below(0),
            "nothing is below a limit of 0"
        );
        assert!(
            !counter.increment_if_below(1),
            "the count 2 is past the limit 1: must refuse"
        );
        assert_eq!(counter.get(), 2, "a refused increment changes nothing");
        assert!(counter.increment_if_below(3), "2 is below 3: must add");
        assert_eq!(counter.get(), 3);
    });
}

/// Starts `THREADS` workers and a watcher at the same moment (a rendezvous); each worker calls
/// `increment_if_below(limit)` `PER_THREAD` times, while the watcher reads the count over and over
/// until they are done. Returns how many calls returned `true`, the highest count the watcher saw,
/// and the final count.
fn race_to_the_limit(limit: u64) -> (u64, u64, u64) {
    within_patience(
        "four threads counting up to a limit, and a watcher",
        move || {
            let counter = Arc::new(AtomicCounter::new());
            let start = Arc::new(Rendezvous::new(THREADS + 1));
            let done = Arc::new(AtomicBool::new(false));
            let watcher = std::thread::spawn({
                let (counter, start, done) = (counter.clone(), start.clone(), done.clone());
                move || {
                    start.meet("workers and the watcher");
                    let mut highest = 0;
                    while !done.load(Ordering::Acquire) {
                        highest = highest.max(counter.get());
                    }
                    highest.max(counter.get())
                }
            });
            let added: u64 = std::thread::scope(|s| {
                let workers: Vec<_> = (0..THREADS)
                    .map(|_| {
                        s.spawn(|| {
                            start.meet("workers and the watcher");
                            (0..PER_THREAD)
                                .filter(|_| counter.increment_if_below(limit))
                                .count() as u64
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("a worker panicked"))
                    .sum()
            });
            done.store(true, Ordering::Release);
            let highest = watcher.join().expect("the watcher panicked");
            (added, highest, counter.get())
        },
    )
}

#[test]
fn increment_if_below_never_passes_the_limit_across_threads() {
    // More attempts than the limit allows: the count must stop exactly at the limit.
    const LIMIT: u64 = 30_000;
    let attempts = THREADS as u64 * PER_THREAD;
    let (added, highest, count) = race_to_the_limit(LIMIT);
    assert!(
        highest <= LIMIT,
        "a watching thread saw the count at {highest}, past the limit of {LIMIT}: the count must \
         never go past the limit, not even for a moment"
    );
    assert_eq!(
        count, LIMIT,
        "{attempts} attempts with a limit of {LIMIT}: the count must stop exactly at the limit"
    );
    assert_eq!(
        added, LIMIT,
        "{attempts} attempts with a limit of {LIMIT}: exactly {LIMIT} calls may return true, one \
         per unit counted"
    );
}

#[test]
fn increment_if_below_adds_whenever_the_count_is_below_the_limit() {
    // Exactly as many attempts as the limit allows: every call finds the count below the limit,
    // so every call must add, even when another thread changed the count at the same moment.
    const LIMIT: u64 = THREADS as u64 * PER_THREAD;
    let (added, highest, count) = race_to_the_limit(LIMIT);
    assert_eq!(
        (added, count),
        (LIMIT, LIMIT),
        "{LIMIT} calls with a limit of {LIMIT}: every call found the count below the limit, so \
         every one must add and return true (a call refused because another thread got in first \
         must try again instead); left: (calls that returned true, final count)"
    );
    assert!(highest <= LIMIT, "the watcher saw {highest}, past {LIMIT}");
}
