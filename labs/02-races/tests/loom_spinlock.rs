//! Loom models for Exercise 2.3: the spin lock lets one thread in at a time, and hands each
//! holder's writes to the next.
//!
//! The data lives in loom's `UnsafeCell`, which records every access. If two threads touch it
//! without a happens-before edge between them (two holders at once, or an unlock that does not
//! publish the holder's writes), the model fails with a "Causality violation".
//!
//! Run with `cargo test -p lab-races --release --features loom --test loom_spinlock`.

use lab_races::spinlock::SpinLock;
use lab_races::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn lock_hands_the_data_from_holder_to_holder() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(SpinLock::new(0_u32));
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

#[test]
fn try_lock_lets_one_thread_in_at_a_time() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(SpinLock::new(0_u32));
        let try_add = |lock: &SpinLock<u32>| match lock.try_lock() {
            Some(mut guard) => {
                *guard += 1;
                1
            }
            None => 0,
        };
        let other = thread::spawn({
            let lock = Arc::clone(&lock);
            move || try_add(&lock)
        });
        let entered = try_add(&lock) + other.join().expect("the other thread panicked");
        assert!(
            entered >= 1,
            "at least one of two try_locks on a free lock must succeed"
        );
        assert_eq!(
            *lock.lock(),
            entered,
            "every thread that got the lock added one"
        );
    });
}

#[test]
fn unlock_releases_the_lock_once() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(SpinLock::new(0_u32));
        let other = thread::spawn({
            let lock = Arc::clone(&lock);
            move || *lock.lock() += 1
        });
        for _ in 0..2 {
            let mut guard = lock.lock();
            *guard += 1;
            guard.unlock();
        }
        other.join().expect("the other thread panicked");
        assert_eq!(
            *lock.lock(),
            3,
            "three increments under the lock: one was lost"
        );
    });
}
