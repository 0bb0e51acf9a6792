//! Exercise 8.6 on real threads: notify_one and notify_all wake sleeping waiters, wait unlocks the
//! mutex while it sleeps, and a notification with nobody waiting makes no wake call.
//! `tests/loom_condvar_*.rs` check that no notification is lost, in every interleaving.

#![cfg(not(feature = "loom"))]

mod common;

use std::sync::Arc;
use std::thread;

use common::wait_until_asleep;
use lab_primitives::condvar::Condvar;
use lab_primitives::mutex::Mutex;
use lab_primitives::sync::probe;
use lab_support::within_patience;

/// A flag behind the lab's mutex, and a condvar to wait for it.
struct Signal {
    raised: Mutex<bool>,
    changed: Condvar,
}

impl Signal {
    fn new() -> Arc<Self> {
        Arc::new(Signal {
            raised: Mutex::new(false),
            changed: Condvar::new(),
        })
    }

    /// Waits, in the usual loop, until the flag is raised.
    fn wait(&self) {
        let mut raised = self.raised.lock();
        while !*raised {
            raised = self.changed.wait(raised);
        }
    }

    /// Raises the flag, under the mutex. Bounded: a mutex that stays locked (an unlock that does
    /// nothing, a wait that never lets go of it) would hang the test here.
    fn raise(self: &Arc<Self>) {
        let signal = Arc::clone(self);
        within_patience(
            "the test to lock the mutex and raise the flag (is the mutex ever unlocked?)",
            move || *signal.raised.lock() = true,
        );
    }
}

#[test]
fn notify_one_wakes_a_sleeping_waiter() {
    let signal = Signal::new();
    let waiter = thread::spawn({
        let signal = Arc::clone(&signal);
        move || signal.wait()
    });
    wait_until_asleep(waiter.thread().id(), "a thread in Condvar::wait");
    signal.raise();
    signal.changed.notify_one();
    within_patience("the waiter to wake after notify_one", move || waiter.join())
        .expect("the waiting thread panicked");
}

#[test]
fn notify_all_wakes_every_sleeping_waiter() {
    let signal = Signal::new();
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let signal = Arc::clone(&signal);
            thread::spawn(move || signal.wait())
        })
        .collect();
    for waiter in &waiters {
        wait_until_asleep(waiter.thread().id(), "a thread in Condvar::wait");
    }
    signal.raise();
    signal.changed.notify_all();
    within_patience(
        "all three waiters to wake after one notify_all (does it wake only one?)",
        move || {
            for waiter in waiters {
                waiter.join().expect("a waiting thread panicked");
            }
        },
    );
}

#[test]
fn wait_unlocks_the_mutex_while_it_sleeps() {
    let signal = Signal::new();
    let waiter = thread::spawn({
        let signal = Arc::clone(&signal);
        move || signal.wait()
    });
    wait_until_asleep(waiter.thread().id(), "a thread in Condvar::wait");
    let guard = signal.raised.try_lock();
    assert!(
        guard.is_some(),
        "a thread sleeping in Condvar::wait must not hold the mutex"
    );
    drop(guard);
    signal.raise();
    signal.changed.notify_one();
    within_patience("the waiter to wake", move || waiter.join())
        .expect("the waiting thread panicked");
}

#[test]
fn wait_returns_with_the_mutex_locked() {
    let signal = Signal::new();
    let waiter = thread::spawn({
        let signal = Arc::clone(&signal);
        move || {
            let mut raised = signal.raised.lock();
            while !*raised {
                raised = signal.changed.wait(raised);
            }
            // Still holding the guard wait returned: nobody else may lock now.
            signal.raised.try_lock().is_none()
        }
    });
    wait_until_asleep(waiter.thread().id(), "a thread in Condvar::wait");
    signal.raise();
    signal.changed.notify_one();
    let held = within_patience("the waiter to wake", move || waiter.join())
        .expect("the waiting thread panicked");
    assert!(held, "the guard wait returns must hold the mutex");
}

#[test]
fn notifying_with_nobody_waiting_makes_no_wake_call() {
    let calls = within_patience("notifications with nobody waiting", || {
        let condvar = Condvar::new();
        let before = probe::wake_calls();
        for _ in 0..100 {
            condvar.notify_one();
            condvar.notify_all();
        }
        probe::wake_calls() - before
    });
    assert_eq!(
        calls, 0,
        "nobody waited, yet notify made {calls} wake calls: skip the system call when no thread is in wait"
    );
}
