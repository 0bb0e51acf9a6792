//! Exercise 1.2: `chunk_ranges`, `chunked_map` and `parallel_sum`.

use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once};
use std::thread::{self, ThreadId};
use std::time::Duration;

use lab_support::{Flags, PATIENCE, Rendezvous, all_distinct, lock, within, within_patience};
use lab_threads::chunks::{chunk_ranges, chunked_map, parallel_sum};

/// The bound for a call whose `work` itself waits up to [`PATIENCE`] for the other threads: long
/// enough that the inner wait gives up first, with the message that says why.
const PATIENCE_AND_MORE: Duration = PATIENCE.saturating_mul(2);

/// Checks every promise `chunk_ranges` makes, with a message naming the case that broke it.
fn check_ranges(len: usize, parts: usize, ranges: &[Range<usize>]) {
    let case = format!("chunk_ranges({len}, {parts}) returned {ranges:?}");
    assert_eq!(
        ranges.len(),
        parts.min(len),
        "{case}: expected min(parts, len) ranges"
    );
    let mut next = 0;
    for range in ranges {
        assert_eq!(
            range.start, next,
            "{case}: ranges must follow each other with no gap or overlap"
        );
        assert!(!range.is_empty(), "{case}: no range may be empty");
        next = range.end;
    }
    assert_eq!(next, len, "{case}: together the ranges must cover 0..{len}");
    let shortest = ranges.iter().map(|r| r.len()).min().unwrap_or(0);
    let longest = ranges.iter().map(|r| r.len()).max().unwrap_or(0);
    assert!(
        longest - shortest <= 1,
        "{case}: lengths may differ by at most one"
    );
    assert!(
        ranges.windows(2).all(|w| w[0].len() >= w[1].len()),
        "{case}: the longer ranges must come first"
    );
}

#[test]
fn chunk_ranges_cover_every_index_once() {
    assert_eq!(
        chunk_ranges(10, 4),
        vec![0..3, 3..6, 6..8, 8..10],
        "the example in the documentation of chunk_ranges"
    );
    for len in 0..=40 {
        for parts in 1..=9 {
            check_ranges(len, parts, &chunk_ranges(len, parts));
        }
    }
    assert_refuses_zero("chunk_ranges(5, 0)", || drop(chunk_ranges(5, 0)));
    assert_refuses_zero("chunk_ranges(0, 0)", || drop(chunk_ranges(0, 0)));
}

/// Checks that `call` panics, as the documentation says it must when asked for 0 parts.
fn assert_refuses_zero(what: &str, call: impl FnOnce() + Send + 'static) {
    let panicked = within_patience(what, move || {
        panic::catch_unwind(AssertUnwindSafe(call)).is_err()
    });
    assert!(
        panicked,
        "{what} must panic, as its documentation says: nothing can be split into 0 parts"
    );
}

#[test]
fn parallel_sum_handles_awkward_lengths() {
    let cases = [
        (0, 4, "empty input"),
        (1, 4, "one item, four threads"),
        (3, 8, "fewer items than threads"),
        (10, 3, "length not divisible by the thread count"),
        (11, 4, "length not divisible by the thread count"),
        (12, 4, "length divisible by the thread count"),
        (1000, 7, "many items"),
        (9, 1, "one thread"),
    ];
    for (len, threads, what) in cases {
        let items: Vec<u64> = (1..=len).collect();
        let expected: u64 = items.iter().sum();
        let sum = within_patience(&format!("parallel_sum of 1..={len}"), move || {
            parallel_sum(&items, threads)
        });
        assert_eq!(
            sum, expected,
            "parallel_sum of 1..={len} on {threads} threads ({what})"
        );
    }
    assert_refuses_zero("chunked_map(&[1, 2, 3], 0, …)", || {
        drop(chunked_map(&[1, 2, 3], 0, |chunk| chunk.len()))
    });
    assert_refuses_zero("parallel_sum(&[1, 2, 3], 0)", || {
        let _ = parallel_sum(&[1, 2, 3], 0);
    });
}

/// Every panic whose message mentions an overflow, with the thread it happened on.
static OVERFLOWS: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());

/// Records, on top of the usual report, which thread each overflow panic happens on.
fn record_overflows() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("");
            if message.contains("overflow") {
                lock(&OVERFLOWS).push(thread::current().id());
            }
            report(info);
        }));
    });
}

#[cfg(debug_assertions)]
#[test]
fn parallel_sum_sums_each_chunk_on_a_thread_of_its_own() {
    // Two chunks, [u64::MAX, 1] and [0, 0]: adding up the first overflows. Where that happens
    // says who did the adding: the chunk's own thread, or the caller.
    record_overflows();
    let (caller, outcome) = within_patience("parallel_sum of a chunk that overflows", || {
        let caller = thread::current().id();
        let outcome = panic::catch_unwind(|| parallel_sum(&[u64::MAX, 1, 0, 0], 2));
        (caller, outcome.is_err())
    });
    assert!(
        outcome,
        "u64::MAX + 1 overflows: in a debug build parallel_sum must panic"
    );
    let overflows = lock(&OVERFLOWS).clone();
    assert!(
        !overflows.contains(&caller),
        "the overflow happened on the thread that called parallel_sum: it added the items \
         itself, one after another, instead of summing each chunk on a thread of its own"
    );
    assert!(
        !overflows.is_empty(),
        "parallel_sum panicked, but not because a chunk's sum overflowed (see its message above)"
    );
}

#[test]
fn chunked_map_runs_all_chunks_at_the_same_time_each_on_its_own_thread() {
    const THREADS: usize = 4;
    let (caller, lengths, ran_on) = within(
        "chunked_map whose chunks wait for each other",
        PATIENCE_AND_MORE,
        || {
            let items: Vec<u32> = (0..10).collect();
            let all_started = Rendezvous::new(THREADS);
            let ran_on = Mutex::new(Vec::new());
            let lengths = chunked_map(&items, THREADS, |chunk| {
                let id = all_started
                    .meet("chunks (spawn every scoped thread before joining any of them)");
                lock(&ran_on).push(id);
                chunk.len()
            });
            let ran_on = ran_on.into_inner().expect("not poisoned");
            (thread::current().id(), lengths, ran_on)
        },
    );

    assert_eq!(
        lengths,
        vec![3, 3, 2, 2],
        "one result per chunk, in chunk order"
    );
    assert!(
        !ran_on.contains(&caller),
        "`work` must run on scoped threads, not on the caller's thread"
    );
    assert!(
        all_distinct(&ran_on),
        "each chunk needs a thread of its own, but some chunks shared one"
    );
}

#[test]
fn chunked_map_returns_results_in_chunk_order() {
    let (joined, nothing) = within_patience("chunked_map of a few words", || {
        let words = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu"];
        (
            chunked_map(&words, 3, |chunk| chunk.concat()),
            chunked_map(&[] as &[u8], 3, |chunk| chunk.len()),
        )
    });
    assert_eq!(
        joined,
        vec!["antbeecat", "dogeel", "foxgnu"],
        "7 words on 3 threads: chunks of 3, 2 and 2 words, results in chunk order"
    );
    assert!(
        nothing.is_empty(),
        "an empty slice has no chunks, so no results"
    );
}

#[test]
fn chunked_map_keeps_chunk_order_when_the_chunks_finish_last_to_first() {
    // Chunk i may finish only after chunk i + 1 has finished.
    const THREADS: usize = 4;
    let firsts = within(
        "chunked_map whose chunks finish last to first",
        PATIENCE_AND_MORE,
        || {
            let items: Vec<usize> = (0..8).collect();
            let finished = Flags::new(THREADS);
            chunked_map(&items, THREADS, |chunk| {
                let i = chunk[0] / 2;
                if i + 1 < THREADS {
                    assert!(
                        finished.wait_for(i + 1),
                        "chunk {i} waited in vain for chunk {} to finish: were all the chunks \
                         in progress at the same time?",
                        i + 1
                    );
                }
                finished.raise(i);
                chunk[0]
            })
        },
    );
    assert_eq!(
        firsts,
        vec![0, 2, 4, 6],
        "the chunks finished last to first, but the results must be in chunk order"
    );
}
