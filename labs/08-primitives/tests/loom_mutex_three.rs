//! Loom model for Exercise 8.5 with three threads: two of them may sleep at once, and every
//! unlock that finds the lock contended must wake one. (A file of its own: a deadlock ends the
//! whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_mutex_three`.

use lab_primitives::mutex::Mutex;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn three_threads_each_get_the_lock() {
    // Bound: the bugs this model is for (a woken thread that takes the lock as if nobody else
    // waited, so that the second sleeper is never woken; an unlock that wakes nobody) need the
    // lock holder to be preempted once inside its critical section while the two others go to
    // sleep. Three preemptions give a margin of two and take well under a second; the
    // exhaustive search takes half a minute.
    model(Bound::Preemptions(3), || {
        let lock = Arc::new(Mutex::new(0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let lock = Arc::clone(&lock);
                thread::spawn(move || *lock.lock() += 1)
            })
            .collect();
        *lock.lock() += 1;
        for other in others {
            other.join().expect("a locking thread panicked");
        }
        assert_eq!(
            *lock.lock(),
            3,
            "three increments under the lock: one was lost"
        );
    });
}
