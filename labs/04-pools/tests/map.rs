//! Exercise 4.5: `ThreadPool::map`.

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use common::{TestPool, worker_ids};
use lab_support::{Flags, PATIENCE, Rendezvous, all_distinct, hide_deliberate_panics};

// ANCHOR: input_order
#[test]
fn map_returns_results_in_input_order_not_completion_order() {
    let pool = TestPool::new(2);
    // Input 0 does not finish until input 2 has started, and input 2 starts only after its
    // worker has finished input 1. So the jobs complete in the order 1, 2, 0, or 1, 0, 2.
    let started = Arc::new(Flags::new(3));
    let results = pool.within_patience("map over 3 inputs", move |pool| {
        pool.map(0..3_u32, move |input| {
            started.raise(input as usize);
            if input == 0 {
                assert!(
                    started.wait_for(2),
                    "input 0 waited {PATIENCE:?} in vain for input 2 to start"
                );
            }
            input * 10
        })
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
    let pool = TestPool::new(3);
    let results = pool.within_patience("map over 1000 inputs", |pool| {
        pool.map(0..1_000_u64, |x| x * x)
    });
    let expected: Vec<u64> = (0..1_000).map(|x| x * x).collect();
    assert_eq!(
        results, expected,
        "result i must be the square of input i, for each of the 1000 inputs"
    );
    let nothing = pool.within_patience("map over no inputs", |pool| {
        pool.map(Vec::<u64>::new(), |x| x)
    });
    assert!(nothing.is_empty(), "no inputs, no results");
}

#[test]
fn map_queues_every_input_before_waiting_for_any_result() {
    const WORKERS: usize = 2;
    const INPUTS: usize = 2 * WORKERS;
    let pool = TestPool::new(WORKERS);
    // Input 0 waits until the last input has started. That only happens if map queued every
    // input before it waited for input 0's result: then the other worker runs inputs 1, 2, 3.
    let started = Arc::new(Flags::new(INPUTS));
    let results = pool.within_patience("map over 4 inputs", move |pool| {
        pool.map(0..INPUTS, move |input| {
            started.raise(input);
            if input == 0 {
                assert!(
                    started.wait_for(INPUTS - 1),
                    "input 0 waited {PATIENCE:?} in vain for input {} to start: map must queue \
                     every input before it waits for any result",
                    INPUTS - 1
                );
            }
            input
        })
    });
    assert_eq!(
        results,
        (0..INPUTS).collect::<Vec<_>>(),
        "one result per input, in input order"
    );
}

#[test]
fn map_runs_as_many_inputs_at_once_as_there_are_workers_on_those_workers() {
    const WORKERS: usize = 4;
    let pool = TestPool::new(WORKERS);
    let workers = worker_ids(&pool);
    let rendezvous = Arc::new(Rendezvous::new(WORKERS));
    let threads = pool.within_patience("map over 4 inputs that wait for each other", move |pool| {
        pool.map(0..WORKERS, move |_| rendezvous.meet("calls of map"))
    });
    assert!(
        all_distinct(&threads),
        "the {WORKERS} inputs ran at once, so on {WORKERS} different threads"
    );
    assert!(
        threads.iter().all(|thread| workers.contains(thread)),
        "map ran a call on a thread that is not one of the pool's workers: each call must be a \
         job on the pool, not a thread of its own"
    );
}

#[test]
fn map_panics_with_the_message_of_a_job_that_panicked() {
    hide_deliberate_panics();
    let pool = TestPool::new(2);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.within_patience("map over 5 inputs, one of which panics", |pool| {
            pool.map(0..5_u32, |x| {
                if x == 3 {
                    panic!("input {x} is invalid (on purpose)");
                }
                x
            })
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
        pool.within_patience("map after a map that panicked", |pool| {
            pool.map(0..3_u32, |x| x + 1)
        }),
        vec![1, 2, 3],
        "the pool keeps working after a map panicked"
    );
}
