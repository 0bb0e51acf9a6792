//! Exercise 5.5: `in_pool`.

mod common;

use std::num::NonZeroUsize;
use std::panic;
use std::thread;

use common::Meeting;
use lab_rayon::pool::{THREAD_NAME_PREFIX, in_pool};
use lab_support::within_patience;
use rayon::prelude::*;

fn threads(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).expect("the tests ask for at least one thread")
}

/// What `op` can see of the pool it runs in.
#[derive(Debug)]
struct Inside {
    pool_size: usize,
    index: Option<usize>,
    name: Option<String>,
}

fn look_around() -> Inside {
    Inside {
        pool_size: rayon::current_num_threads(),
        index: rayon::current_thread_index(),
        name: thread::current().name().map(str::to_string),
    }
}

#[test]
fn in_pool_runs_op_on_a_pool_of_the_requested_size() {
    for n in [1, 3, 7] {
        let inside = in_pool(threads(n), look_around).expect("in_pool could not build its pool");
        assert_eq!(
            inside.pool_size, n,
            "inside in_pool({n}, op), rayon::current_num_threads() must be {n}: build the pool \
             with num_threads and run `op` with install ({inside:?})"
        );
        let index = inside.index.unwrap_or_else(|| {
            panic!(
                "in_pool({n}, op) ran `op` on a thread outside any rayon pool; run it with \
                 pool.install(op)"
            )
        });
        assert!(index < n, "thread index {index} in a pool of {n}");
        assert_eq!(
            inside.name,
            Some(format!("{THREAD_NAME_PREFIX}{index}")),
            "worker thread {index} must be named {THREAD_NAME_PREFIX}{index}"
        );
    }
}

#[test]
fn in_pool_can_be_called_again_with_other_sizes() {
    for n in [2, 5, 2, 1] {
        let size = in_pool(threads(n), rayon::current_num_threads).unwrap_or_else(|error| {
            panic!("in_pool({n}, op) failed ({error}); it must build a new pool each time")
        });
        assert_eq!(size, n, "in_pool({n}, op): a pool of {n} threads");
    }
    let from_another_thread = within_patience("in_pool called on another thread", || {
        in_pool(threads(3), rayon::current_num_threads)
    });
    assert_eq!(
        from_another_thread.ok(),
        Some(3),
        "in_pool works from any thread"
    );
}

#[test]
fn parallel_work_inside_in_pool_uses_every_thread_of_the_pool() {
    const THREADS: usize = 3;
    let meeting = Meeting::new(THREADS);

    let (sum, names) = in_pool(threads(THREADS), || {
        let sum: u64 = (0..30_u64)
            .into_par_iter()
            .map(|i| {
                meeting.arrive_or_panic("a parallel iterator inside in_pool");
                i
            })
            .sum();
        let names: Vec<Option<String>> =
            rayon::broadcast(|_| thread::current().name().map(str::to_string));
        (sum, names)
    })
    .expect("in_pool could not build its pool");

    assert_eq!(sum, (0..30).sum::<u64>(), "the sum of 0..30");
    assert_eq!(
        meeting.rayon_indices(),
        vec![0, 1, 2],
        "every thread of a pool of 3 took part"
    );
    for (index, name) in names.iter().enumerate() {
        assert_eq!(
            name.as_deref(),
            Some(format!("{THREAD_NAME_PREFIX}{index}").as_str()),
            "the name of worker {index}"
        );
    }
}

#[test]
fn in_pool_passes_a_panic_in_op_on() {
    lab_support::hide_deliberate_panics();
    let outcome =
        panic::catch_unwind(|| in_pool(threads(2), || -> u32 { panic!("op failed (on purpose)") }));
    let payload = match outcome {
        Ok(result) => panic!("`op` panicked, but in_pool returned {result:?}"),
        Err(payload) => payload,
    };
    assert_eq!(
        payload.downcast_ref::<&str>().copied(),
        Some("op failed (on purpose)"),
        "in_pool must panic with the payload of `op`'s panic (install does that for you)"
    );
}
