//! Exercise 1.4: `start_job`, a background worker that reports progress over a channel.

mod common;

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};

use common::{PATIENCE, lock};
use lab_threads::progress::{BackgroundJob, Command, Update, start_job};

/// The next update, or a failure that says what was expected instead.
fn next_update(updates: &Receiver<Update>, expected: &str) -> Update {
    match updates.recv_timeout(PATIENCE) {
        Ok(update) => update,
        Err(RecvTimeoutError::Timeout) => panic!(
            "waited {PATIENCE:?} for {expected}, but the worker sent nothing (is it waiting \
             for a command nobody will send?)"
        ),
        Err(RecvTimeoutError::Disconnected) => {
            panic!("expected {expected}, but the worker had hung up its channel")
        }
    }
}

/// Checks that the worker hangs up: its `Sender<Update>` is dropped once it has nothing more to say.
fn assert_hung_up(updates: &Receiver<Update>, after: &str) {
    match updates.recv_timeout(PATIENCE) {
        Err(RecvTimeoutError::Disconnected) => {}
        Err(RecvTimeoutError::Timeout) => panic!(
            "after {after} the worker must drop its Sender so the updates channel closes, but \
             it was still open after {PATIENCE:?}; a foreground doing `for update in updates` \
             would wait forever"
        ),
        Ok(update) => {
            panic!("after {after} the worker must send nothing more, but sent {update:?}")
        }
    }
}

#[test]
fn progress_arrives_in_order_then_the_result_then_the_channel_closes() {
    let BackgroundJob {
        updates,
        commands,
        handle,
    } = start_job(vec![1, 2, 3, 4], |item| item * 10);

    for done in 1..=4 {
        let expected = Update::Progress { done, total: 4 };
        assert_eq!(next_update(&updates, &format!("{expected:?}")), expected);
        commands
            .send(Command::Continue)
            .expect("the worker should be waiting for a command");
    }
    let expected = Update::Finished { result: 100 };
    assert_eq!(next_update(&updates, "Finished { result: 100 }"), expected);
    assert_hung_up(&updates, "Finished");
    handle.join().expect("the worker thread should not panic");
}

#[test]
fn an_empty_job_finishes_at_once() {
    let job = start_job(Vec::new(), |item| item);
    assert_eq!(
        next_update(&job.updates, "Finished { result: 0 }"),
        Update::Finished { result: 0 },
        "with no items there is no progress to report"
    );
    assert_hung_up(&job.updates, "Finished");
}

// ANCHOR: foreground
#[test]
fn the_foreground_acts_between_progress_updates() {
    // Both threads write to one log. Because the worker waits for an answer after every
    // update, the entries must alternate.
    let log = Arc::new(Mutex::new(Vec::new()));
    let worker_log = Arc::clone(&log);
    let job = start_job(vec![5, 6, 7], move |item| {
        lock(&worker_log).push(format!("worker: item {item}"));
        item
    });

    for done in 1..=3 {
        let update = next_update(&job.updates, "a Progress update");
        assert_eq!(update, Update::Progress { done, total: 3 });
        lock(&log).push(format!("foreground: saw {done} of 3"));
        job.commands
            .send(Command::Continue)
            .expect("the worker should be waiting");
    }
    assert_eq!(
        next_update(&job.updates, "Finished"),
        Update::Finished { result: 18 }
    );

    assert_eq!(
        *lock(&log),
        vec![
            "worker: item 5",
            "foreground: saw 1 of 3",
            "worker: item 6",
            "foreground: saw 2 of 3",
            "worker: item 7",
            "foreground: saw 3 of 3",
        ],
        "the worker must wait for a command after each Progress before starting the next item"
    );
}
// ANCHOR_END: foreground

#[test]
fn cancel_stops_the_worker_early() {
    let calls = Arc::new(Mutex::new(0));
    let worker_calls = Arc::clone(&calls);
    let job = start_job(vec![1, 2, 3, 4, 5], move |item| {
        *lock(&worker_calls) += 1;
        item
    });

    assert_eq!(
        next_update(&job.updates, "Progress 1"),
        Update::Progress { done: 1, total: 5 }
    );
    job.commands
        .send(Command::Continue)
        .expect("the worker should be waiting");
    assert_eq!(
        next_update(&job.updates, "Progress 2"),
        Update::Progress { done: 2, total: 5 }
    );
    job.commands
        .send(Command::Cancel)
        .expect("the worker should be waiting");

    assert_eq!(
        next_update(&job.updates, "Cancelled { done: 2 }"),
        Update::Cancelled { done: 2 }
    );
    assert_hung_up(&job.updates, "Cancelled");
    job.handle
        .join()
        .expect("the worker thread should not panic");
    assert_eq!(
        *lock(&calls),
        2,
        "a cancelled worker must not start another item"
    );
}

#[test]
fn dropping_the_commands_sender_stops_the_worker() {
    let BackgroundJob {
        updates,
        commands,
        handle,
    } = start_job(vec![1, 2, 3], |item| item);

    assert_eq!(
        next_update(&updates, "Progress 1"),
        Update::Progress { done: 1, total: 3 }
    );
    drop(commands); // the foreground goes away without answering

    assert_eq!(
        next_update(&updates, "Cancelled { done: 1 }"),
        Update::Cancelled { done: 1 },
        "a closed commands channel means stop"
    );
    assert_hung_up(&updates, "Cancelled");
    handle.join().expect("the worker thread should not panic");
}
