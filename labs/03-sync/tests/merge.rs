//! Exercise 3.5: `merge_until_idle`, a `select!` loop with disconnection and a timeout.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded};
use lab_support::{PATIENCE, within_patience};
use lab_sync::merge::{Merged, merge_until_idle};

/// Splits the messages of a merge by the channel they came from (odd numbers came from the left
/// channel, even ones from the right in these tests).
fn by_source(messages: &[u32]) -> (Vec<u32>, Vec<u32>) {
    messages.iter().partition(|&&m| m % 2 == 1)
}

#[test]
fn merges_both_channels_until_both_disconnect() {
    let merged = within_patience("merging two channels whose producers finish", || {
        let (left_tx, left) = bounded(2);
        let (right_tx, right) = bounded(2);
        let left_producer = thread::spawn(move || {
            for m in [1, 3, 5, 7] {
                left_tx.send(m).expect("the merge is receiving");
            }
        });
        let right_producer = thread::spawn(move || {
            for m in [2, 4, 6] {
                right_tx.send(m).expect("the merge is receiving");
            }
        });
        let merged = merge_until_idle(left, right, PATIENCE);
        left_producer.join().expect("a producer panicked");
        right_producer.join().expect("a producer panicked");
        merged
    });
    let Merged::Finished(messages) = merged else {
        panic!("both channels disconnected, so the merge must end Finished, not {merged:?}");
    };
    assert_eq!(
        by_source(&messages),
        (vec![1, 3, 5, 7], vec![2, 4, 6]),
        "every message of each channel must arrive, in that channel's order"
    );
}

#[test]
fn one_channel_disconnecting_does_not_end_the_other() {
    let merged = within_patience("merging a disconnected channel with a busy one", || {
        let (left_tx, left) = unbounded::<u32>();
        drop(left_tx); // the left producer is gone before the merge starts
        let (right_tx, right) = unbounded();
        for m in (2..=40).step_by(2) {
            right_tx.send(m).expect("the receiver is alive");
        }
        drop(right_tx);
        merge_until_idle(left, right, PATIENCE)
    });
    assert_eq!(
        merged,
        Merged::Finished((2..=40).step_by(2).collect()),
        "a disconnected channel is done, but the other one's messages must all still arrive"
    );
}

#[test]
fn a_silent_channel_ends_the_merge_after_the_idle_timeout() {
    let merged = within_patience("merging a channel that stays open but silent", || {
        let (left_tx, left) = unbounded();
        let (right_tx, right) = unbounded::<u32>();
        drop(right_tx);
        left_tx.send(1).expect("the receiver is alive");
        left_tx.send(3).expect("the receiver is alive");
        // left_tx stays alive (and silent) until the merge has returned.
        let merged = merge_until_idle(left, right, Duration::from_millis(50));
        drop(left_tx);
        merged
    });
    assert_eq!(
        merged,
        Merged::Idle(vec![1, 3]),
        "when no message arrives for `idle`, the merge must end Idle with what it received \
         (a disconnected channel must not keep select! busy)"
    );
}

#[test]
fn the_idle_timeout_counts_from_the_last_message() {
    // A channel that keeps delivering, with gaps far shorter than `idle`, for longer in total than
    // `idle`: the merge must not end Idle while messages keep coming. (The gaps are real time on
    // purpose: time passing between messages is what an idle timeout is about. Each gap is 20 ms
    // against an `idle` of 2 s, so a loaded machine would have to stall a thread for nearly two
    // seconds to make a correct merge time out.)
    const IDLE: Duration = Duration::from_secs(2);
    const GAP: Duration = Duration::from_millis(20);
    let (merged, sent) = within_patience(
        "merging a steady trickle of messages for longer than the idle timeout",
        || {
            // Capacity 0: a send returns only once the merge has received the message.
            let (left_tx, left) = bounded(0);
            let (right_tx, right) = unbounded::<u32>();
            drop(right_tx);
            let producer = thread::spawn(move || {
                let mut sent = Vec::new();
                let mut first_received = None;
                for m in (1..).step_by(2) {
                    if left_tx.send(m).is_err() {
                        break; // the merge has returned
                    }
                    sent.push(m);
                    let since = *first_received.get_or_insert_with(Instant::now);
                    // The merge started before it received the first message: a quarter of
                    // `idle` past one whole `idle` after that, a merge whose timeout counts
                    // from the start has certainly timed out.
                    if since.elapsed() > IDLE + IDLE / 4 {
                        break;
                    }
                    thread::sleep(GAP);
                }
                sent
            });
            let merged = merge_until_idle(left, right, IDLE);
            (merged, producer.join().expect("the producer panicked"))
        },
    );
    match merged {
        Merged::Finished(received) => assert_eq!(
            received, sent,
            "every message sent must be received, in order"
        ),
        Merged::Idle(received) => panic!(
            "the merge ended Idle after {} of {} messages, although a message arrived every \
             {GAP:?} and the idle timeout is {IDLE:?}: `idle` counts from the last message (not \
             from the start), so the merge must go on until both channels disconnect",
            received.len(),
            sent.len()
        ),
    }
}
