//! Exercise 1.1: `map_on_threads`.

mod common;

use std::collections::HashSet;
use std::panic;
use std::sync::Arc;
use std::thread::{self, ThreadId};

use common::Rendezvous;
use lab_threads::handles::map_on_threads;

#[test]
fn map_on_threads_returns_results_in_input_order() {
    let squares = map_on_threads(vec![1_u64, 2, 3, 4, 5, 6, 7], |n| n * n);
    assert_eq!(
        squares,
        vec![1, 4, 9, 16, 25, 36, 49],
        "result i must be work(inputs[i])"
    );

    let lengths = map_on_threads(vec!["a".to_string(), "bcd".to_string()], |s| s.len());
    assert_eq!(lengths, vec![1, 3], "works for owned, non-Copy inputs too");

    let nothing = map_on_threads(Vec::<u64>::new(), |n| n);
    assert!(nothing.is_empty(), "no inputs must give no results");
}

#[test]
fn map_on_threads_runs_every_input_at_once_on_its_own_thread() {
    const INPUTS: usize = 4;
    let all_started = Arc::new(Rendezvous::new(INPUTS));
    let caller = thread::current().id();

    let ran_on: Vec<ThreadId> = map_on_threads((0..INPUTS).collect(), move |input| {
        if let Err(missed) = all_started.wait() {
            panic!(
                "input {input}: only {} of {} calls of `work` were running at the same time; \
                 spawn every thread before joining any of them",
                missed.arrived, missed.parties
            );
        }
        thread::current().id()
    });

    assert!(
        !ran_on.contains(&caller),
        "`work` must run on spawned threads, not on the caller's thread"
    );
    let distinct: HashSet<ThreadId> = ran_on.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        INPUTS,
        "each input needs a thread of its own"
    );
}

#[test]
fn map_on_threads_re_raises_a_worker_panic() {
    let outcome = panic::catch_unwind(|| {
        map_on_threads(vec![1_u64, 2, 3], |n| {
            if n == 2 {
                panic!("input 2 is unlucky");
            }
            n
        })
    });
    let payload = match outcome {
        Ok(results) => panic!("a worker panicked, but map_on_threads returned {results:?}"),
        Err(payload) => payload,
    };
    assert_eq!(
        payload.downcast_ref::<&str>().copied(),
        Some("input 2 is unlucky"),
        "map_on_threads must panic with the worker's own payload (use std::panic::resume_unwind)"
    );
}
