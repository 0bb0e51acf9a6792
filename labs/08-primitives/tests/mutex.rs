//! Exercise 8.5 on real threads: the lock works, waiting threads sleep and are woken, and an
//! uncontended unlock makes no wake call. `tests/loom_mutex*.rs` check the orderings and every
//! interleaving.

#![cfg(not(feature = "loom"))]

mod common;

use std::sync::Arc;
use std::thread;

use common::wait_until_asleep;
use lab_primitives::mutex::Mutex;
use lab_primitives::sync::probe;
use lab_support::within_patience;

#[test]
fn lock_gives_access_to_the_value() {
    let names = within_patience("lock, write, unlock, lock again", || {
        let lock = Mutex::new(vec!["ada"]);
        lock.lock().push("grace");
        {
            let mut guard = lock.lock();
            guard.push("barbara");
            assert_eq!(guard.len(), 3, "the guard derefs to the value");
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
        let lock = Mutex::new(0);
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
fn unlocking_with_nobody_waiting_makes_no_wake_call() {
    let calls = within_patience("a thousand uncontended lock/unlock pairs", || {
        let lock = Mutex::new(0_u64);
        let before = probe::wake_calls();
        for _ in 0..500 {
            *lock.lock() += 1;
        }
        for _ in 0..500 {
            *lock.try_lock().expect("nobody else holds the lock") += 1;
        }
        assert_eq!(lock.into_inner(), 1000);
        probe::wake_calls() - before
    });
    assert_eq!(
        calls, 0,
        "nobody ever waited, yet unlock called wake_one/wake_all {calls} times: wake only when the state says a thread may be waiting"
    );
}

#[test]
fn waiting_threads_sleep_and_every_one_gets_the_lock() {
    let lock = Arc::new(Mutex::new(Vec::new()));
    let guard = lock.lock();
    let waiters: Vec<_> = (0..2)
        .map(|i| {
            let lock = Arc::clone(&lock);
            thread::spawn(move || lock.lock().push(i))
        })
        .collect();
    for waiter in &waiters {
        wait_until_asleep(waiter.thread().id(), "a thread waiting for a held lock");
    }
    drop(guard);
    within_patience(
        "both sleeping threads to get the lock after the unlock (is a waiter ever woken?)",
        move || {
            for waiter in waiters {
                waiter.join().expect("a waiting thread panicked");
            }
        },
    );
    let mut got = lock.lock().clone();
    got.sort_unstable();
    assert_eq!(
        got,
        [0, 1],
        "each waiting thread must have had the lock once"
    );

    // Contention is over: the lock must be back on its fast path.
    let before = probe::wake_calls();
    for _ in 0..100 {
        lock.lock().push(9);
    }
    assert_eq!(
        probe::wake_calls() - before,
        0,
        "nobody waits any more, yet unlocking still makes wake calls"
    );
}

#[test]
fn many_threads_count_under_the_lock() {
    const THREADS: usize = 4;
    const PER_THREAD: u64 = 50_000;
    let lock = Arc::new(Mutex::new(0_u64));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let lock = Arc::clone(&lock);
            thread::spawn(move || {
                for _ in 0..PER_THREAD {
                    *lock.lock() += 1;
                }
            })
        })
        .collect();
    within_patience(
        "four threads each counting to 50 000 under the lock (is a waiter never woken?)",
        move || {
            for t in threads {
                t.join().expect("a counting thread panicked");
            }
        },
    );
    assert_eq!(
        *lock.lock(),
        THREADS as u64 * PER_THREAD,
        "every increment made under the lock must count"
    );
}
