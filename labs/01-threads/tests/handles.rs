//! Exercise 1.1: `map_on_threads`.

use std::panic;
use std::sync::Arc;
use std::thread;

use lab_support::{
    Flags, ON_PURPOSE, PATIENCE, Rendezvous, all_distinct, hide_deliberate_panics, within,
    within_patience,
};

/// The bound for a call whose `work` itself waits up to [`PATIENCE`] for the other calls: long
/// enough that the inner wait gives up first, with the message that says why.
const PATIENCE_AND_MORE: std::time::Duration = PATIENCE.saturating_mul(2);
use lab_threads::handles::map_on_threads;

#[test]
fn map_on_threads_returns_results_in_input_order() {
    let (squares, lengths, nothing) = within_patience("map_on_threads on small inputs", || {
        (
            map_on_threads(vec![1_u64, 2, 3, 4, 5, 6, 7], |n| n * n),
            map_on_threads(vec!["a".to_string(), "bcd".to_string()], |s| s.len()),
            map_on_threads(Vec::<u64>::new(), |n| n),
        )
    });
    assert_eq!(
        squares,
        vec![1, 4, 9, 16, 25, 36, 49],
        "result i must be work(inputs[i])"
    );
    assert_eq!(lengths, vec![1, 3], "works for owned, non-Copy inputs too");
    assert!(nothing.is_empty(), "no inputs must give no results");
}

#[test]
fn map_on_threads_keeps_input_order_when_the_calls_finish_last_to_first() {
    // Call i may finish only after call i + 1 has finished, so they finish in reverse order.
    const INPUTS: usize = 5;
    let finished = Flags::new(INPUTS);
    let results = within(
        "map_on_threads whose calls finish last to first",
        PATIENCE_AND_MORE,
        move || {
            map_on_threads((0..INPUTS).collect(), move |i: usize| {
                if i + 1 < INPUTS {
                    assert!(
                        finished.wait_for(i + 1),
                        "call {i} waited in vain for call {} to finish: were all the calls \
                         running at the same time?",
                        i + 1
                    );
                }
                finished.raise(i);
                i * 10
            })
        },
    );
    assert_eq!(
        results,
        vec![0, 10, 20, 30, 40],
        "the calls finished last to first, but result i must still be work(inputs[i]): join \
         the handles in input order"
    );
}

#[test]
fn map_on_threads_runs_every_input_at_once_on_its_own_thread() {
    // More inputs than this machine has cores: a pool of one thread per core cannot pass.
    let inputs = 16.max(2 * thread::available_parallelism().map_or(1, |n| n.get()));
    let all_started = Arc::new(Rendezvous::new(inputs));

    let (caller, ran_on) = within(
        "map_on_threads whose calls wait for each other",
        PATIENCE_AND_MORE,
        move || {
            let caller = thread::current().id();
            let ran_on = map_on_threads((0..inputs).collect(), move |_input: usize| {
                all_started.meet("calls of `work` (spawn every thread before joining any)")
            });
            (caller, ran_on)
        },
    );

    assert!(
        !ran_on.contains(&caller),
        "`work` must run on spawned threads, not on the caller's thread"
    );
    assert!(
        all_distinct(&ran_on),
        "each input needs a thread of its own, but some of the {inputs} calls shared a thread"
    );
}

#[test]
fn map_on_threads_re_raises_a_worker_panic() {
    hide_deliberate_panics();
    let message = format!("input 2 is unlucky {ON_PURPOSE}");
    let outcome = within_patience("map_on_threads with a call that panics", {
        let message = message.clone();
        move || {
            panic::catch_unwind(move || {
                map_on_threads(vec![1_u64, 2, 3], move |n| {
                    if n == 2 {
                        panic::panic_any(message.clone());
                    }
                    n
                })
            })
        }
    });
    let payload = match outcome {
        Ok(results) => panic!("a worker panicked, but map_on_threads returned {results:?}"),
        Err(payload) => payload,
    };
    assert_eq!(
        payload.downcast_ref::<String>(),
        Some(&message),
        "map_on_threads must panic with the worker's own payload (use std::panic::resume_unwind), \
         not with a panic of its own such as unwrap's"
    );
}
