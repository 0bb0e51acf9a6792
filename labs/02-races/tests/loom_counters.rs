//! Loom models for Exercises 2.1 and 2.2: every interleaving of two threads incrementing.
//!
//! Run with `cargo test -p lab-races --release --features loom --test loom_counters`.

use lab_races::atomic_counter::AtomicCounter;
use lab_races::counter::Counter;
use lab_races::mutex_counter::MutexCounter;
use lab_races::sync::{Arc, thread};
use loom::model::Builder;

// ANCHOR: check
/// Checks `model` under every interleaving with at most three preemptions (thread switches at a
/// point where the running thread could have gone on), which finds these bugs in well under a
/// second.
fn check(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(model);
}
// ANCHOR_END: check

// ANCHOR: model
/// Two threads each increment twice; after joining them the count must be 4.
fn two_threads_increment_twice<C: Counter + Send + 'static>(new: fn() -> C) {
    check(move || {
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
    check(|| {
        let counter = Arc::new(AtomicCounter::new());
        let other = thread::spawn({
            let counter = Arc::clone(&counter);
            move || counter.increment_if_below(1)
        });
        let mine = counter.increment_if_below(1);
        let theirs = other.join().expect("the other thread panicked");
        assert!(
            mine != theirs,
            "with a limit of 1 exactly one of two threads may add (this one: {mine}, the other: {theirs})"
        );
        assert_eq!(counter.get(), 1, "the count went past the limit of 1");
    });
}
