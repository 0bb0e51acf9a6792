//! Loom model for Exercise 8.7: two writers and a reader. Writers exclude each other and hand the
//! value on, and whoever sleeps is woken. (A file of its own: a deadlock ends the whole test
//! binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_rwlock_writers`.

use lab_primitives::rwlock::RwLock;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn two_writers_and_a_reader_all_get_their_turn() {
    // Bound: the hand-off bugs this model is for (a writer that sleeps without marking itself
    // waiting, an unlock that wakes nobody) show up with one preemption of a lock holder; loom
    // finds them at a bound of 1. Two give a margin and take about a second; three take several.
    model(Bound::Preemptions(2), || {
        let lock = Arc::new(RwLock::new(0));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let lock = Arc::clone(&lock);
                thread::spawn(move || *lock.write() += 1)
            })
            .collect();
        let seen = *lock.read();
        assert!(seen <= 2);
        for writer in writers {
            writer.join().expect("a writer panicked");
        }
        assert_eq!(*lock.read(), 2, "two writes under the lock: one was lost");
    });
}
