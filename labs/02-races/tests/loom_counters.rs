//! Loom models for Exercises 2.1 and 2.2: every interleaving of two threads counting.
//!
//! Run with `cargo test -p lab-races --release --features loom --test loom_counters`.

use lab_races::atomic_counter::AtomicCounter;
use lab_races::counter::Counter;
use lab_races::mutex_counter::MutexCounter;
use lab_races::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

// ANCHOR: model
/// Two threads each increment twice; after joining them the count must be 4.
///
/// Exhaustive: loom tries every interleaving (within its memory model), and with two threads of
/// a few steps each that takes a few milliseconds.
fn two_threads_increment_twice<C: Counter + Send + 'static>(new: fn() -> C) {
    model(Bound::Exhaustive, move || {
        let counter = Arc::new(new());
        let other = thread::spawn({
            let counter = Arc::clone(&counter);
            move || {
                counter.increment();
                counter.increment();
            }
        });
        counter.increment();
        counter.increment();
        other.join().expect("the other thread panicked");
        assert_eq!(
            counter.get(),
            4,
            "two threads incremented twice each: an update was lost"
        );
    });
}
// ANCHOR_END: model

#[test]
fn mutex_counter_loses_no_update() {
    two_threads_increment_twice(MutexCounter::new);
}

#[test]
fn atomic_counter_loses_no_update() {
    two_threads_increment_twice(AtomicCounter::new);
}

#[test]
fn increment_if_below_never_passes_the_limit() {
    // Two threads race for the last unit below a limit of 1, while the main thread looks at the
    // count: in no interleaving may anyone see it above 1, not even for a moment.
    model(Bound::Exhaustive, || {
        let counter = Arc::new(AtomicCounter::new());
        let racers: Vec<_> = (0..2)
            .map(|_| {
                let counter = Arc::clone(&counter);
                thread::spawn(move || counter.increment_if_below(1))
            })
            .collect();
        let seen = counter.get();
        assert!(
            seen <= 1,
            "the main thread saw the count at {seen}, past the limit of 1, while two threads \
             raced for it: the count must never go past the limit, not even for a moment"
        );
        let added: Vec<bool> = racers
            .into_iter()
            .map(|racer| racer.join().expect("a racing thread panicked"))
            .collect();
        assert_eq!(
            added.iter().filter(|&&a| a).count(),
            1,
            "with a limit of 1 exactly one of two threads may add (they returned {added:?})"
        );
        assert_eq!(counter.get(), 1, "the count must end at the limit of 1");
    });
}

#[test]
fn increment_if_below_adds_whenever_the_count_is_below_the_limit() {
    // A limit of 2 has room for both threads: however they interleave, both must add, even the
    // one that finds the count changed under it.
    model(Bound::Exhaustive, || {
        let counter = Arc::new(AtomicCounter::new());
        let other = thread::spawn({
            let counter = Arc::clone(&counter);
            move || counter.increment_if_below(2)
        });
        let mine = counter.increment_if_below(2);
        let theirs = other.join().expect("the other thread panicked");
        assert!(
            mine && theirs,
            "the limit of 2 has room for both threads, so both calls must add (this one returned \
             {mine}, the other {theirs}): a call that finds the count changed by another thread \
             must try again, not give up"
        );
        assert_eq!(counter.get(), 2, "two calls added: the count must be 2");
    });
}
