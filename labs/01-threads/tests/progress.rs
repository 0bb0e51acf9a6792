//! Exercise 1.4: `start_job`, a background worker that reports progress over a channel.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use lab_support::{Flags, PATIENCE, lock, within_patience};
use lab_threads::progress::{BackgroundJob, Command, Update, start_job};

/// Starts the job; `start_job` must return at once, without waiting for the worker.
fn start<F>(items: Vec<u64>, work: F) -> BackgroundJob
where
    F: FnMut(u64) -> u64 + Send + 'static,
{
    within_patience(
        "start_job (it must return at once, leaving the work to the worker thread)",
        move || start_job(items, work),
    )
}

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

/// Joins the worker thread, which must end by itself, without a panic.
fn join_worker(handle: JoinHandle<()>, after: &str) {
    let joined = within_patience(
        &format!("the worker thread to end after {after}"),
        move || handle.join(),
    );
    assert!(
        joined.is_ok(),
        "after {after} the worker thread must end normally, but it panicked (see above)"
    );
}

#[test]
fn progress_arrives_in_order_then_the_result_then_the_channel_closes() {
    let BackgroundJob {
        updates,
        commands,
        handle,
    } = start(vec![1, 2, 3, 4], |item| item * 10);

    for done in 1..=4 {
        let expected = Update::Progress { done, total: 4 };
        assert_eq!(
            next_update(&updates, &format!("{expected:?}")),
            expected,
            "after item {done} of 4, Progress with done counting from 1"
        );
        commands
            .send(Command::Continue)
            .expect("the worker should be waiting for a command");
    }
    assert_eq!(
        next_update(&updates, "Finished { result: 100 }"),
        Update::Finished { result: 100 },
        "after the last Continue, Finished with the sum of work(item): 10 + 20 + 30 + 40"
    );
    assert_hung_up(&updates, "Finished");
    join_worker(handle, "Finished");
}

#[test]
fn an_empty_job_finishes_at_once() {
    let job = start(Vec::new(), |item| item);
    assert_eq!(
        next_update(&job.updates, "Finished { result: 0 }"),
        Update::Finished { result: 0 },
        "with no items there is no progress to report"
    );
    assert_hung_up(&job.updates, "Finished");
    join_worker(job.handle, "Finished");
}

// ANCHOR: foreground
#[test]
fn the_foreground_acts_between_progress_updates() {
    // Both threads write to one log. Because the worker waits for an answer after every
    // update, the entries must alternate.
    let log = Arc::new(Mutex::new(Vec::new()));
    let worker_log = Arc::clone(&log);
    let job = start(vec![5, 6, 7], move |item| {
        lock(&worker_log).push(format!("worker: item {item}"));
        item
    });

    for done in 1..=3 {
        let update = next_update(&job.updates, "a Progress update");
        assert_eq!(
            update,
            Update::Progress { done, total: 3 },
            "progress in order"
        );
        lock(&log).push(format!("foreground: saw {done} of 3"));
        job.commands
            .send(Command::Continue)
            .expect("the worker should be waiting");
    }
    assert_eq!(
        next_update(&job.updates, "Finished"),
        Update::Finished { result: 18 },
        "the sum of the items: 5 + 6 + 7"
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
    let job = start(vec![1, 2, 3, 4, 5], move |item| {
        *lock(&worker_calls) += 1;
        item
    });

    assert_eq!(
        next_update(&job.updates, "Progress 1"),
        Update::Progress { done: 1, total: 5 },
        "the first item's progress"
    );
    job.commands
        .send(Command::Continue)
        .expect("the worker should be waiting");
    assert_eq!(
        next_update(&job.updates, "Progress 2"),
        Update::Progress { done: 2, total: 5 },
        "the second item's progress"
    );
    job.commands
        .send(Command::Cancel)
        .expect("the worker should be waiting");

    assert_eq!(
        next_update(&job.updates, "Cancelled { done: 2 }"),
        Update::Cancelled { done: 2 },
        "Cancel after the second item: Cancelled with the number of items done"
    );
    assert_hung_up(&job.updates, "Cancelled");
    join_worker(job.handle, "Cancelled");
    assert_eq!(
        *lock(&calls),
        2,
        "a cancelled worker must not start another item"
    );
}

#[test]
fn cancel_in_answer_to_the_last_progress_means_no_result() {
    let job = start(vec![3, 4], |item| item);
    for done in 1..=2 {
        assert_eq!(
            next_update(&job.updates, &format!("Progress {done}")),
            Update::Progress { done, total: 2 },
            "progress in order"
        );
        let answer = if done == 2 {
            Command::Cancel
        } else {
            Command::Continue
        };
        job.commands
            .send(answer)
            .expect("the worker should be waiting for an answer to every Progress");
    }
    assert_eq!(
        next_update(&job.updates, "Cancelled { done: 2 }"),
        Update::Cancelled { done: 2 },
        "the worker must wait for the answer to the last Progress too, and only a Continue \
         leads to Finished"
    );
    assert_hung_up(&job.updates, "Cancelled");
    join_worker(job.handle, "Cancelled");
}

#[test]
fn dropping_the_commands_sender_stops_the_worker() {
    let BackgroundJob {
        updates,
        commands,
        handle,
    } = start(vec![1, 2, 3], |item| item);

    assert_eq!(
        next_update(&updates, "Progress 1"),
        Update::Progress { done: 1, total: 3 },
        "the first item's progress"
    );
    drop(commands); // the foreground goes away without answering

    assert_eq!(
        next_update(&updates, "Cancelled { done: 1 }"),
        Update::Cancelled { done: 1 },
        "a closed commands channel means stop"
    );
    assert_hung_up(&updates, "Cancelled");
    join_worker(handle, "Cancelled");
}

#[test]
fn dropping_the_updates_receiver_stops_the_worker() {
    // The first item waits until the test has dropped `updates`, so the worker's first send
    // certainly fails.
    let updates_dropped = Arc::new(Flags::new(1));
    let job = start(vec![1, 2, 3], {
        let updates_dropped = Arc::clone(&updates_dropped);
        move |item| {
            assert!(
                updates_dropped.wait_for(0),
                "the test never dropped its Receiver (a bug in the test)"
            );
            item
        }
    });
    let BackgroundJob {
        updates,
        commands,
        handle,
    } = job;
    drop(updates);
    updates_dropped.raise(0);

    // The test keeps `commands` open: the worker must notice that nobody listens, not wait
    // for a command.
    join_worker(
        handle,
        "its Progress could not be sent (the Receiver was dropped)",
    );
    drop(commands);
}
