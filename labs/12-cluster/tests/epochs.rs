//! Exercise 12.3: `count_epochs`, a streaming count whose epochs come out, in order, as soon as
//! each is complete.
//!
//! The tests feed an epoch and wait for its result before they feed the next: an epoch whose
//! result waits for later epochs (or for the end of the feed) never comes, and the wait fails
//! after `PATIENCE`.

mod common;

use common::text;
use lab_cluster::epochs::{EpochResult, EpochRun};
use lab_cluster::text::{Counts, owner, sequential_count};
use lab_support::{PATIENCE, within_patience};

/// The lines of epoch `epoch`: a different text each time, `lines` lines long.
fn epoch_lines(epoch: u64, lines: usize) -> Vec<String> {
    text(100 + epoch, lines, 60)
        .lines()
        .map(str::to_string)
        .collect()
}

fn start(peers: usize) -> EpochRun {
    EpochRun::start(timely::Config::process(peers), None)
        .unwrap_or_else(|error| panic!("timely did not start {peers} workers: {error}"))
}

/// Waits for the next complete epoch, which must be `epoch` with the counts of `lines`.
fn expect_epoch(run: &mut EpochRun, epoch: u64, lines: &[String], why: &str) -> EpochResult {
    let result = run
        .next_epoch(Some(PATIENCE))
        .unwrap_or_else(|error| panic!("waiting for the result of epoch {epoch} {why}: {error}"))
        .unwrap_or_else(|| {
            panic!("the workers finished before they sent the result of epoch {epoch}")
        });
    assert_eq!(
        result.epoch, epoch,
        "the results should come in epoch order: epoch {epoch} next"
    );
    assert_eq!(
        result.counts,
        sequential_count(&lines.join("\n")),
        "the counts of epoch {epoch} should be those of its own lines, all of them and nothing \
         else: a part sent before the probe shows the epoch complete misses words still on \
         their way, and counts kept across epochs include earlier ones"
    );
    result
}

fn finish(run: EpochRun) -> Vec<EpochResult> {
    within_patience("the workers to finish once the feed closed", move || {
        run.finish(Some(PATIENCE))
    })
    .unwrap_or_else(|error| panic!("after the feed closed: {error}"))
}

#[test]
fn each_epoch_comes_out_complete_before_the_next_is_fed() {
    let mut run = start(3);
    for epoch in 0..6 {
        let lines = epoch_lines(epoch, 10 + 7 * epoch as usize);
        run.feed(lines.clone());
        expect_epoch(
            &mut run,
            epoch,
            &lines,
            "(the next epoch is only fed once this one's result is out, and the feed stays open)",
        );
    }
    let rest = finish(run);
    assert!(
        rest.is_empty(),
        "every epoch fed has been collected, yet more came: {rest:?}"
    );
}

#[test]
fn one_worker_counts_epochs_too() {
    let mut run = EpochRun::start(timely::Config::thread(), None)
        .unwrap_or_else(|error| panic!("timely did not start: {error}"));
    for epoch in 0..3 {
        let lines = epoch_lines(epoch, 12);
        run.feed(lines.clone());
        expect_epoch(&mut run, epoch, &lines, "on one worker");
    }
    finish(run);
}

#[test]
fn an_epoch_without_lines_still_completes() {
    let mut run = start(2);
    let epochs = [epoch_lines(0, 8), Vec::new(), epoch_lines(2, 8)];
    for (epoch, lines) in epochs.iter().enumerate() {
        run.feed(lines.clone());
        let result = expect_epoch(
            &mut run,
            epoch as u64,
            lines,
            "(epoch 1 has no lines at all, and every worker must still send its part of it)",
        );
        assert_eq!(result.parts.len(), 2, "one part per worker");
    }
    finish(run);
}

#[test]
fn epochs_fed_ahead_come_out_in_order() {
    let mut run = start(2);
    let epochs: Vec<Vec<String>> = (0..4).map(|epoch| epoch_lines(epoch, 15)).collect();
    for lines in &epochs {
        run.feed(lines.clone());
    }
    for (epoch, lines) in epochs.iter().enumerate() {
        expect_epoch(
            &mut run,
            epoch as u64,
            lines,
            "(four epochs were fed at once)",
        );
    }
    finish(run);
}

#[test]
fn every_part_holds_only_the_words_its_worker_owns() {
    let peers = 4;
    let mut run = start(peers);
    for epoch in 0..3 {
        let lines = epoch_lines(epoch, 30);
        run.feed(lines.clone());
        let result = expect_epoch(&mut run, epoch, &lines, "");
        for part in &result.parts {
            for word in part.counts.keys() {
                assert_eq!(
                    owner(word, peers),
                    part.worker,
                    "worker {}'s part of epoch {epoch} counts {word:?}, which worker {} owns: \
                     each worker counts the words it owns",
                    part.worker,
                    owner(word, peers)
                );
            }
        }
    }
    finish(run);
}

#[test]
fn closing_the_feed_completes_the_last_epochs_and_ends_every_worker() {
    let run = start(3);
    let epochs: Vec<Vec<String>> = (0..2).map(|epoch| epoch_lines(epoch, 9)).collect();
    for lines in &epochs {
        run.feed(lines.clone());
    }
    let rest = finish(run);
    let counts: Vec<(u64, Counts)> = rest.into_iter().map(|r| (r.epoch, r.counts)).collect();
    let expected: Vec<(u64, Counts)> = epochs
        .iter()
        .enumerate()
        .map(|(epoch, lines)| (epoch as u64, sequential_count(&lines.join("\n"))))
        .collect();
    assert_eq!(
        counts, expected,
        "closing the feed right after two epochs: both should still come out, complete and in \
         order, and then every worker should return"
    );
}
