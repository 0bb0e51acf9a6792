//! Exercise 1.2: `chunk_ranges`, `chunked_map` and `parallel_sum`.

mod common;

use std::ops::Range;

use common::Rendezvous;
use lab_threads::chunks::{chunk_ranges, chunked_map, parallel_sum};

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
        assert_eq!(
            parallel_sum(&items, threads),
            expected,
            "parallel_sum of 1..={len} on {threads} threads ({what})"
        );
    }
}

#[test]
fn chunked_map_runs_all_chunks_at_the_same_time() {
    const THREADS: usize = 4;
    let items: Vec<u32> = (0..10).collect();
    let all_started = Rendezvous::new(THREADS);

    let lengths = chunked_map(&items, THREADS, |chunk| {
        if let Err(missed) = all_started.wait() {
            panic!(
                "only {} of {} chunks were being worked on at the same time; spawn every \
                 scoped thread before joining any of them",
                missed.arrived, missed.parties
            );
        }
        chunk.len()
    });

    assert_eq!(
        lengths,
        vec![3, 3, 2, 2],
        "one result per chunk, in chunk order"
    );
}

#[test]
fn chunked_map_returns_results_in_chunk_order() {
    let words = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu"];
    let joined = chunked_map(&words, 3, |chunk| chunk.concat());
    assert_eq!(
        joined,
        vec!["antbeecat", "dogeel", "foxgnu"],
        "7 words on 3 threads: chunks of 3, 2 and 2 words, results in chunk order"
    );

    let nothing = chunked_map(&[] as &[u8], 3, |chunk| chunk.len());
    assert!(
        nothing.is_empty(),
        "an empty slice has no chunks, so no results"
    );
}
