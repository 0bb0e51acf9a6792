//! Exercises 2.1 and 2.2: `MutexCounter` and `AtomicCounter`.
//!
//! These run on real threads, so they only catch a lost update when the threads happen to
//! interleave badly; `tests/loom_counters.rs` checks every interleaving.

// With the `loom` feature on, the lab's types only work inside a loom model: this file is for
// plain `cargo test` only.
#![cfg(not(feature = "loom"))]

mod common;

use common::with_patience;
use lab_races::atomic_counter::AtomicCounter;
use lab_races::counter::{Counter, count_on_threads};
use lab_races::mutex_counter::MutexCounter;

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
    with_patience("counting on one thread", || {
        counts_one_at_a_time(&MutexCounter::new())
    });
}

#[test]
fn mutex_counter_loses_no_update_across_threads() {
    let total = with_patience("counting on several threads", || {
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
    counts_one_at_a_time(&AtomicCounter::new());
}

#[test]
fn atomic_counter_loses_no_update_across_threads() {
    let total = count_on_threads(&AtomicCounter::new(), THREADS, PER_THREAD);
    assert_eq!(
        total,
        THREADS as u64 * PER_THREAD,
        "{THREADS} threads each incremented {PER_THREAD} times: every increment must count"
    );
}

#[test]
fn increment_if_below_stops_at_the_limit() {
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
    assert!(counter.increment_if_below(3), "2 is below 3: must add");
    assert_eq!(counter.get(), 3);
}

#[test]
fn increment_if_below_never_passes_the_limit_across_threads() {
    const LIMIT: u64 = 30_000;
    let counter = AtomicCounter::new();
    let added: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    (0..PER_THREAD)
                        .filter(|_| counter.increment_if_below(LIMIT))
                        .count() as u64
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .sum()
    });
    assert_eq!(
        counter.get(),
        LIMIT,
        "{} attempts with a limit of {LIMIT}: the count must stop exactly at the limit",
        THREADS as u64 * PER_THREAD
    );
    assert_eq!(
        added, LIMIT,
        "exactly {LIMIT} calls may return true, one per unit counted"
    );
}
