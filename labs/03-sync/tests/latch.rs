//! Exercise 3.3: `CountDownLatch`.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

mod common;

use std::sync::{Arc, Mutex};
use std::thread;

use common::finishes;
use lab_sync::latch::CountDownLatch;

#[test]
fn count_down_counts_to_zero_and_no_further() {
    let latch = CountDownLatch::new(2);
    latch.count_down();
    assert_eq!(latch.remaining(), 1, "one count_down of two must leave 1");
    latch.count_down();
    assert_eq!(latch.remaining(), 0, "two count_downs of two must leave 0");
    latch.count_down();
    assert_eq!(
        latch.remaining(),
        0,
        "count_down on an open latch must do nothing"
    );
}

#[test]
fn wait_on_an_open_latch_returns_at_once() {
    finishes("wait on a latch that is already open", || {
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
    finishes("3 waiters on a latch that 4 workers count down", || {
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
