//! Exercise 2.3: `SpinLock`.
//!
//! On real threads these check the API and catch a lock that lets two threads in only when the
//! threads happen to collide; `tests/loom_spinlock.rs` checks every interleaving and the memory
//! orderings, which no test on an x86 machine can.

// With the `loom` feature on, the lab's types only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;

use lab_races::counter::count_on_threads;
use lab_races::spinlock::SpinLock;
use lab_support::within_patience;

#[test]
fn lock_gives_access_to_the_data() {
    let names = within_patience("lock, write, unlock, lock again", || {
        let lock = SpinLock::new(vec!["ada"]);
        lock.lock().push("grace");
        {
            let mut guard = lock.lock();
            guard.push("barbara");
            assert_eq!(guard.len(), 3, "the guard derefs to the data");
        }
        lock.into_inner()
    });
    assert_eq!(
        names,
        ["ada", "grace", "barbara"],
        "writes through one guard must be there for the next"
    );
}

#[test]
fn try_lock_fails_while_a_guard_exists() {
    within_patience("try_lock", || {
        let lock = SpinLock::new(0);
        let mut guard = lock
            .try_lock()
            .expect("try_lock on a free lock must succeed");
        *guard += 1;
        assert!(
            lock.try_lock().is_none(),
            "try_lock must fail while another guard exists"
        );
        drop(guard);
        let guard = lock
            .try_lock()
            .expect("dropping the guard must unlock: try_lock must succeed again");
        assert_eq!(
            *guard, 1,
            "the write made through the first guard must be kept"
        );
    });
}

#[test]
fn lock_and_unlock_release_the_lock() {
    within_patience("lock, then unlock", || {
        let lock = SpinLock::new(String::new());
        let mut guard = lock.lock();
        guard.push_str("spin");
        assert!(
            lock.try_lock().is_none(),
            "try_lock must fail while the guard from lock() exists"
        );
        guard.unlock();
        let mut guard = lock
            .try_lock()
            .expect("after guard.unlock() the lock must be free");
        guard.push_str("lock");
        drop(guard);
        assert_eq!(*lock.lock(), "spinlock");
    });
}

#[test]
fn lock_waits_for_the_holder() {
    // The main thread holds the lock while a second thread asks for it; the second thread can
    // only get it after the main thread's write is done.
    within_patience("a second thread waiting for the lock", || {
        let lock = Arc::new(SpinLock::new(Vec::new()));
        let mut guard = lock.lock();
        let waiter = std::thread::spawn({
            let lock = Arc::clone(&lock);
            move || lock.lock().push("second")
        });
        guard.push("first");
        drop(guard);
        waiter.join().expect("the waiting thread panicked");
        assert_eq!(
            *lock.lock(),
            ["first", "second"],
            "lock() must wait until the holder unlocks"
        );
    });
}

#[test]
fn many_threads_count_under_the_lock() {
    const THREADS: usize = 4;
    const PER_THREAD: u64 = 20_000;
    let total = within_patience("four threads counting under the lock", || {
        count_on_threads(&SpinLock::new(0_u64), THREADS, PER_THREAD)
    });
    assert_eq!(
        total,
        THREADS as u64 * PER_THREAD,
        "every increment made under the lock must count"
    );
}
