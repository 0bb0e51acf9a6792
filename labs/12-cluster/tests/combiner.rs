//! Exercise 12.2: `count_words_combined`, a combiner before the exchange, checked by how many
//! records each worker receives from the others.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{assert_every_word_at_its_owner, assert_one_report_per_worker, skewed_text, text};
use lab_cluster::count::{Plan, WorkerCounts, merge, run_count};
use lab_cluster::text::{owner, sequential_count, share, split_text, words};
use lab_support::within_patience;

const LINES_PER_SPLIT: usize = 20;

fn count_combined(text: &str, peers: usize) -> (Vec<String>, Vec<WorkerCounts>) {
    let splits = split_text(text, LINES_PER_SPLIT);
    let shared = Arc::new(splits.clone());
    let workers = within_patience(&format!("a combined count on {peers} workers"), move || {
        run_count(timely::Config::process(peers), shared, Plan::Combined)
    })
    .unwrap_or_else(|error| panic!("the combined count on {peers} workers failed: {error}"));
    (splits, workers)
}

/// The most records worker `to` may receive from the other workers when each sends at most one
/// record per distinct word of each split it reads.
fn most_records(splits: &[String], peers: usize, to: usize) -> u64 {
    (0..peers)
        .filter(|&from| from != to)
        .flat_map(|from| share(splits, from, peers))
        .map(|split| {
            words(split)
                .filter(|word| owner(word, peers) == to)
                .collect::<BTreeSet<_>>()
                .len() as u64
        })
        .sum()
}

#[test]
fn the_combined_count_matches_the_sequential_count() {
    for text in [text(4, 300, 200), skewed_text(5, 300, 100, "the")] {
        let expected = sequential_count(&text);
        for peers in 1..=4 {
            let (_, workers) = count_combined(&text, peers);
            assert_one_report_per_worker(&workers, peers);
            assert_eq!(
                merge(&workers),
                expected,
                "with the combiner, the counts of {peers} workers added up should still be the \
                 sequential count"
            );
            assert_every_word_at_its_owner(&workers, peers);
        }
    }
}

#[test]
fn a_hot_word_no_longer_floods_its_owner() {
    let hot = "the";
    let text = skewed_text(6, 800, 300, hot);
    let peers = 4;
    let occurrences = sequential_count(&text)[hot];
    let (splits, workers) = count_combined(&text, peers);
    assert_one_report_per_worker(&workers, peers);
    let hot_owner = owner(hot, peers);
    for worker in &workers {
        let most = most_records(&splits, peers, worker.worker);
        let whose = if worker.worker == hot_owner {
            format!(", the owner of {hot:?} ({occurrences} occurrences in the text)")
        } else {
            String::new()
        };
        assert!(
            worker.received <= most,
            "worker {}{whose} received {} records from the other workers; with a combiner \
             before the exchange, each worker sends at most one record per distinct word of \
             each split it reads, which makes at most {most} for this worker (without one, \
             every occurrence of a word crosses the exchange)",
            worker.worker,
            worker.received
        );
    }
}
