//! Exercise 12.1: `count_words`, a word count with an exchange by key.

mod common;

use std::sync::Arc;

use common::{assert_every_word_at_its_owner, assert_one_report_per_worker, text};
use lab_cluster::count::{Plan, merge, run_count};
use lab_cluster::text::{sequential_count, split_text};
use lab_support::within_patience;

/// Counts `text` with the plain dataflow on `peers` workers of this process.
fn count(text: &str, peers: usize) -> Vec<lab_cluster::count::WorkerCounts> {
    let splits = Arc::new(split_text(text, 16));
    within_patience(&format!("a word count on {peers} workers"), move || {
        run_count(timely::Config::process(peers), splits, Plan::Plain)
    })
    .unwrap_or_else(|error| panic!("the count on {peers} workers failed: {error}"))
}

#[test]
fn one_worker_counts_like_the_sequential_count() {
    let text = text(1, 300, 150);
    let splits = Arc::new(split_text(&text, 16));
    let workers = within_patience("a word count on one worker", move || {
        run_count(timely::Config::thread(), splits, Plan::Plain)
    })
    .unwrap_or_else(|error| panic!("the count on one worker failed: {error}"));
    assert_one_report_per_worker(&workers, 1);
    assert_eq!(
        merge(&workers),
        sequential_count(&text),
        "one worker should count every word of the text, exactly as the sequential count does"
    );
}

#[test]
fn many_workers_count_like_the_sequential_count() {
    let text = text(2, 400, 200);
    let expected = sequential_count(&text);
    for peers in 2..=4 {
        let workers = count(&text, peers);
        assert_one_report_per_worker(&workers, peers);
        assert_eq!(
            merge(&workers),
            expected,
            "the counts of {peers} workers, added up, should be the sequential count: no word \
             lost, none counted twice"
        );
    }
}

#[test]
fn each_word_is_counted_on_the_worker_that_owns_it() {
    let text = text(3, 400, 300);
    for peers in [2, 3, 4] {
        let workers = count(&text, peers);
        assert_one_report_per_worker(&workers, peers);
        assert_every_word_at_its_owner(&workers, peers);
    }
}
