//! Exercise 8.8 on real threads: sleepers are woken, a wake-up since `prepare` is never slept
//! through, and nobody sleepy means no wake call. `tests/loom_sleep_*.rs` check that no wake-up is
//! lost in any interleaving.

#![cfg(not(feature = "loom"))]

mod common;

use std::sync::Arc;
use std::thread;

use common::wait_until_asleep;
use lab_primitives::sleep::Sleep;
use lab_primitives::sync::probe;
use lab_support::within_patience;

#[test]
fn new_work_with_no_sleepy_worker_makes_no_wake_call() {
    let calls = within_patience("new_work with nobody sleepy", || {
        let sleep = Sleep::new();
        let before = probe::wake_calls();
        for _ in 0..100 {
            sleep.new_work();
        }
        probe::wake_calls() - before
    });
    assert_eq!(
        calls, 0,
        "no worker was sleepy, yet new_work made {calls} wake calls: that is a system call per queued job"
    );
}

#[test]
fn sleep_returns_at_once_after_new_work_since_prepare() {
    within_patience(
        "sleep(token) after new_work (was the wake-up slept through?)",
        || {
            let sleep = Sleep::new();
            let token = sleep.prepare();
            sleep.new_work();
            sleep.sleep(token);
            let token = sleep.prepare();
            sleep.wake_all();
            sleep.sleep(token);
        },
    );
}

#[test]
fn a_worker_is_no_longer_sleepy_after_cancel_or_sleep() {
    let calls = within_patience("prepare, cancel, sleep and new_work", || {
        let sleep = Sleep::new();
        let token = sleep.prepare();
        sleep.cancel(token);
        let before = probe::wake_calls();
        sleep.new_work();
        let after_cancel = probe::wake_calls() - before;

        let token = sleep.prepare();
        sleep.new_work();
        sleep.sleep(token);
        let before = probe::wake_calls();
        sleep.new_work();
        (after_cancel, probe::wake_calls() - before)
    });
    assert_eq!(
        calls.0, 0,
        "after cancel nobody is sleepy, yet new_work made a wake call"
    );
    assert_eq!(
        calls.1, 0,
        "after sleep returned nobody is sleepy, yet new_work made a wake call"
    );
}

#[test]
fn new_work_wakes_a_sleeping_worker() {
    let sleep = Arc::new(Sleep::new());
    let worker = thread::spawn({
        let sleep = Arc::clone(&sleep);
        move || {
            let token = sleep.prepare();
            sleep.sleep(token);
        }
    });
    wait_until_asleep(worker.thread().id(), "a worker in Sleep::sleep");
    sleep.new_work();
    within_patience("the sleeping worker to wake after new_work", move || {
        worker.join()
    })
    .expect("the worker panicked");
}

#[test]
fn wake_all_wakes_every_sleeping_worker() {
    let sleep = Arc::new(Sleep::new());
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let sleep = Arc::clone(&sleep);
            thread::spawn(move || {
                let token = sleep.prepare();
                sleep.sleep(token);
            })
        })
        .collect();
    for worker in &workers {
        wait_until_asleep(worker.thread().id(), "a worker in Sleep::sleep");
    }
    sleep.wake_all();
    within_patience(
        "all three sleeping workers to wake after wake_all (does it wake only one?)",
        move || {
            for worker in workers {
                worker.join().expect("a worker panicked");
            }
        },
    );
}
