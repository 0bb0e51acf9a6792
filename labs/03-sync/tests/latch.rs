//! Exercise 3.3: `CountDownLatch`.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::{Arc, Mutex};
use std::thread;

use lab_support::within_patience;
use lab_sync::latch::CountDownLatch;

#[test]
fn count_down_counts_to_zero_and_no_further() {
    let remaining = within_patience("three count_downs on one thread", || {
        let latch = CountDownLatch::new(2);
        let mut remaining = Vec::new();
        for _ in 0..3 {
            latch.count_down();
            remaining.push(latch.remaining());
        }
        remaining
    });
    assert_eq!(
        remaining,
        [1, 0, 0],
        "a latch of 2 must go 2 → 1 → 0 and stay at 0: count_down on an open latch does nothing"
    );
}

#[test]
fn wait_on_an_open_latch_returns_at_once() {
    within_patience("wait on a latch that is already open", || {
        CountDownLatch::new(0).wait();
        let latch = CountDownLatch::new(1);
        latch.count_down();
        latch.wait();
        latch.wait(); // and again: an open latch stays open
    });
}

#[test]
fn every_waiter_sees_the_work_done_before_each_count_down() {
    const WORKERS: usize = 4;
    const WAITERS: usize = 3;
    within_patience("3 waiters on a latch that 4 workers count down", || {
        let latch = Arc::new(CountDownLatch::new(WORKERS));
        let done = Arc::new(Mutex::new(Vec::new()));
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                let (latch, done) = (Arc::clone(&latch), Arc::clone(&done));
                thread::spawn(move || {
                    latch.wait();
                    done.lock()
                        .expect("no test thread panics holding this")
                        .len()
                })
            })
            .collect();
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let (latch, done) = (Arc::clone(&latch), Arc::clone(&done));
                thread::spawn(move || {
                    done.lock()
                        .expect("no test thread panics holding this")
                        .push(worker);
                    latch.count_down();
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a worker panicked");
        }
        for waiter in waiters {
            let seen = waiter.join().expect("a waiter panicked");
            assert_eq!(
                seen, WORKERS,
                "a waiter returned from wait() when only {seen} of {WORKERS} workers had counted down"
            );
        }
    });
}
