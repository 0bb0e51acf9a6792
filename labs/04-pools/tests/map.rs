//! Exercise 4.5: `ThreadPool::map`.

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use common::{Flags, Rendezvous, all_distinct, hide_deliberate_panics};
use lab_pools::ThreadPool;

fn pool_of(workers: usize) -> ThreadPool {
    ThreadPool::new(workers).unwrap_or_else(|e| panic!("ThreadPool::new({workers}) failed: {e}"))
}

// ANCHOR: input_order
#[test]
fn map_returns_results_in_input_order_not_completion_order() {
    let pool = pool_of(2);
    // Input 0 does not finish until input 2 has started, and input 2 starts only after its
    // worker has finished input 1. So the jobs complete in the order 1, 2, 0, or 1, 0, 2.
    let started = Arc::new(Flags::new(3));
    let results = pool.map(0..3_u32, move |input| {
        started.raise(input as usize);
        if input == 0 {
            assert!(started.wait_for(2), "input 2 never started");
        }
        input * 10
    });
    assert_eq!(
        results,
        vec![0, 10, 20],
        "map must return result i for input i, whatever order the jobs finished in"
    );
}
// ANCHOR_END: input_order

#[test]
fn map_over_many_inputs_keeps_every_result_in_place() {
    let pool = pool_of(3);
    let results = pool.map(0..1_000_u64, |x| x * x);
    let expected: Vec<u64> = (0..1_000).map(|x| x * x).collect();
    assert_eq!(results, expected);
    assert!(
        pool.map(Vec::<u64>::new(), |x| x).is_empty(),
        "no inputs, no results"
    );
}

#[test]
fn map_runs_as_many_inputs_at_once_as_there_are_workers() {
    const WORKERS: usize = 4;
    let pool = pool_of(WORKERS);
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let threads = pool.map(0..WORKERS, move |_| rendezvous.meet());
    assert!(
        all_distinct(&threads),
        "the {WORKERS} inputs ran on {WORKERS} different workers"
    );
}

#[test]
fn map_panics_with_the_message_of_a_job_that_panicked() {
    hide_deliberate_panics();
    let pool = pool_of(2);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.map(0..5_u32, |x| {
            if x == 3 {
                panic!("input {x} is invalid (on purpose)");
            }
            x
        })
    }));
    let payload = outcome.expect_err("map must panic when one of its jobs panicked");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(
        message.contains("input 3 is invalid"),
        "map's panic message should include the job's message, got {message:?}"
    );
    assert_eq!(
        pool.map(0..3_u32, |x| x + 1),
        vec![1, 2, 3],
        "the pool keeps working after a map panicked"
    );
}
