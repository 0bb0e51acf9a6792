//! Exercise 3.4: `parallel_map`, a fan-out / fan-in pipeline over bounded channels.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};

use lab_support::{PATIENCE, Rendezvous, within_patience};
use lab_sync::pipeline::parallel_map;

#[test]
fn results_come_back_in_input_order() {
    let squares = within_patience("parallel_map over 0..100 on 3 workers", || {
        parallel_map(0..100_u64, 3, 4, |n| n * n)
    });
    assert!(
        squares.iter().copied().eq((0..100_u64).map(|n| n * n)),
        "result i must be work(input i), for every input"
    );

    let lengths = within_patience("parallel_map over owned strings", || {
        parallel_map(vec!["a".to_string(), "bcd".to_string()], 1, 1, |s| s.len())
    });
    assert_eq!(
        lengths,
        vec![1, 3],
        "works with owned inputs and one worker"
    );

    let nothing = within_patience("parallel_map over no inputs", || {
        parallel_map(Vec::<u8>::new(), 2, 2, |n| n)
    });
    assert!(nothing.is_empty(), "no inputs must give no results");
}

#[test]
fn no_workers_or_no_capacity_is_refused_with_a_panic() {
    // The documented panics: with no worker nothing would ever run, and with no capacity the job
    // channel could not hold the item the feeder hands over. One worker and a capacity of one are
    // fine.
    let smallest = within_patience("parallel_map with 1 worker and capacity 1", || {
        parallel_map(0..3_u32, 1, 1, |n| n)
    });
    assert_eq!(
        smallest,
        [0, 1, 2],
        "parallel_map(0..3, workers = 1, capacity = 1, identity) must return [0, 1, 2]"
    );
    for (workers, capacity) in [(0, 1), (1, 0)] {
        let panicked = within_patience("parallel_map with workers or capacity 0", move || {
            std::panic::catch_unwind(|| parallel_map(0..3_u32, workers, capacity, |n| n)).is_err()
        });
        assert!(
            panicked,
            "parallel_map(…, workers = {workers}, capacity = {capacity}, …) must panic: its \
             documentation says it panics if workers or capacity is 0"
        );
    }
}

#[test]
fn a_panic_in_work_reaches_the_caller() {
    // Every call of `work` panics, so every worker stops at its first job: the feeder must not be
    // left waiting forever to hand over the rest, and the panic must come out of parallel_map.
    lab_support::hide_deliberate_panics();
    let doubled = within_patience("parallel_map with 2 workers and capacity 1", || {
        parallel_map(0..3_u32, 2, 1, |n| n * 2)
    });
    assert_eq!(
        doubled,
        [0, 2, 4],
        "parallel_map(0..3, workers = 2, capacity = 1, double) must return [0, 2, 4]"
    );
    let panicked = within_patience(
        "parallel_map whose every call of work panics (a feeder left waiting for workers that are gone?)",
        || {
            std::panic::catch_unwind(|| {
                parallel_map(0..50_u32, 2, 1, |n| -> u32 {
                    panic!("work fails on {n} {}", lab_support::ON_PURPOSE)
                })
            })
            .is_err()
        },
    );
    assert!(
        panicked,
        "every call of work panicked: parallel_map must panic too, once its threads have stopped"
    );
}

#[test]
fn results_are_reordered_when_a_later_input_finishes_first() {
    let results = within_patience(
        "parallel_map where input 0 waits until input 2 has started",
        || {
            // With 2 workers, input 2 can only start on the worker that has already sent input 1's
            // result, so results arrive as 10 first, then 0 and 20 in either order.
            let (two_started_tx, two_started_rx) = crossbeam_channel::bounded(1);
            parallel_map(0..3_u32, 2, 2, move |n| {
                match n {
                    0 => two_started_rx.recv_timeout(PATIENCE).expect(
                        "input 2 never started while input 0 was still running: use 2 workers",
                    ),
                    2 => two_started_tx
                        .send(())
                        .expect("input 0 is waiting for this"),
                    _ => {}
                }
                n * 10
            })
        },
    );
    assert_eq!(
        results,
        vec![0, 10, 20],
        "results must be in input order, not in the order they finished"
    );
}

#[test]
fn every_worker_runs_at_the_same_time_on_its_own_thread() {
    const WORKERS: usize = 3;
    let (caller, threads) = within_patience("3 workers each waiting for the other two", || {
        let all_busy = Rendezvous::new(WORKERS);
        let caller = thread::current().id();
        let threads = parallel_map(0..WORKERS, WORKERS, 1, |_| all_busy.meet("calls of work"));
        (caller, threads)
    });
    let distinct: HashSet<ThreadId> = threads.into_iter().collect();
    assert_eq!(
        distinct.len(),
        WORKERS,
        "parallel_map(…, workers = 3, …) must run 3 calls of work at once on 3 threads"
    );
    assert!(
        !distinct.contains(&caller),
        "work must run on the worker threads, not on the thread that called parallel_map"
    );
}

/// Counts the items the feeder has pulled from the input and the calls of `work` that have
/// finished, and checks at every pull that the feeder is not too far ahead.
///
/// An item that has been pulled is in the feeder's hand (at most 1), in the job channel (at most
/// `capacity`), in a worker's hands (at most `workers`), or finished. So a bounded feeder never
/// has more than `1 + capacity + workers + finished` items pulled.
struct Backlog {
    counts: Mutex<Counts>,
    changed: Condvar,
    workers: usize,
    capacity: usize,
}

#[derive(Clone, Copy)]
struct Counts {
    pulled: usize,
    finished: usize,
}

impl Backlog {
    fn most_ahead(&self) -> usize {
        1 + self.capacity + self.workers
    }

    /// Called by the input iterator for each item the feeder pulls.
    fn pull(&self, item: usize) -> usize {
        let mut counts = self
            .counts
            .lock()
            .expect("the test never panics holding this lock");
        counts.pulled += 1;
        let Counts { pulled, finished } = *counts;
        assert!(
            pulled <= self.most_ahead() + finished,
            "the feeder had pulled {pulled} inputs while only {finished} calls of work had \
             finished: with {} workers and a job channel of capacity {} it may be at most {} \
             ahead. Use crossbeam_channel::bounded(capacity) so that send blocks while the \
             channel is full",
            self.workers,
            self.capacity,
            self.most_ahead()
        );
        self.changed.notify_all();
        item
    }

    /// Called by `work`: the first calls wait until the feeder has filled the job channel (with
    /// every worker holding an item, a bounded feeder gets exactly that far and no further).
    fn hold_until_the_channel_is_full(&self) {
        let counts = self
            .counts
            .lock()
            .expect("the test never panics holding this lock");
        let (counts, timeout) = self
            .changed
            .wait_timeout_while(counts, PATIENCE, |c| c.pulled < self.most_ahead())
            .expect("the test never panics holding this lock");
        assert!(
            !timeout.timed_out(),
            "the feeder pulled only {} inputs: while every worker is busy it must keep pulling \
             until the job channel (capacity {}) is full and one more input waits in its send",
            counts.pulled,
            self.capacity
        );
    }

    fn finish(&self) {
        self.counts
            .lock()
            .expect("the test never panics holding this lock")
            .finished += 1;
    }
}

#[test]
fn the_feeder_never_runs_more_than_capacity_ahead_of_the_workers() {
    const WORKERS: usize = 2;
    const CAPACITY: usize = 3;
    const INPUTS: usize = 200;
    let results = within_patience(
        "parallel_map with busy workers and a bounded job channel",
        || {
            let backlog = Arc::new(Backlog {
                counts: Mutex::new(Counts {
                    pulled: 0,
                    finished: 0,
                }),
                changed: Condvar::new(),
                workers: WORKERS,
                capacity: CAPACITY,
            });
            let feeder_backlog = Arc::clone(&backlog);
            let inputs = (0..INPUTS).map(move |item| feeder_backlog.pull(item));
            parallel_map(inputs, WORKERS, CAPACITY, |item| {
                backlog.hold_until_the_channel_is_full();
                backlog.finish();
                item
            })
        },
    );
    assert!(
        results.iter().copied().eq(0..INPUTS),
        "every input must come back, in order"
    );
}
