//! Loom model for Exercise 8.5: the mutex lets one thread in at a time and hands each holder's
//! writes to the next, and a thread that sleeps on it is woken. (A file of its own: a waiter
//! that is never woken is a deadlock, which ends the whole test binary.)
//!
//! The value lives in loom's `UnsafeCell`, and each guard holds a `MutPtr` for as long as it
//! lives: two guards at once fail at once, and so does a guard whose access is not ordered after
//! the previous one's.
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_mutex`.

use lab_primitives::mutex::Mutex;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

// ANCHOR: model
#[test]
fn the_lock_hands_the_value_from_holder_to_holder() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(Mutex::new(0));
        let other = thread::spawn({
            let lock = Arc::clone(&lock);
            move || *lock.lock() += 1
        });
        *lock.lock() += 1;
        other.join().expect("the other thread panicked");
        assert_eq!(
            *lock.lock(),
            2,
            "two increments under the lock: one was lost"
        );
    });
}
// ANCHOR_END: model

#[test]
fn a_successful_try_lock_sees_the_previous_holders_writes() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(Mutex::new(0));
        let other = thread::spawn({
            let lock = Arc::clone(&lock);
            move || *lock.lock() += 1
        });
        // When try_lock succeeds after the other thread's unlock, its access to the value must
        // be ordered after that thread's write (loom fails the model if it is not): a lock taken
        // by try_lock hands the value over exactly as one taken by lock does.
        if let Some(mut guard) = lock.try_lock() {
            *guard += 1;
        }
        other.join().expect("the other thread panicked");
        let value = *lock.lock();
        assert!(
            value == 1 || value == 2,
            "one increment under lock, and one under try_lock when it succeeded: got {value}"
        );
    });
}
