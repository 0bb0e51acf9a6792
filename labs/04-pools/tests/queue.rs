//! Exercise 4.1: `JobQueue::push`, `close` and `next_job`.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use lab_pools::{Job, JobQueue};
use lab_support::{Flags, PATIENCE, lock, within_patience};

/// A job that appends `id` to `log` when it runs.
fn logging_job(log: &Arc<Mutex<Vec<u32>>>, id: u32) -> Job {
    let log = Arc::clone(log);
    Box::new(move || lock(&log).push(id))
}

/// Pushes `job`, failing the test if the queue refuses it.
fn push(queue: &JobQueue, job: Job) {
    assert!(
        queue.push(job).is_ok(),
        "an open queue must accept every job pushed to it"
    );
}

/// A new, open queue, shared so that a helper thread can wait on it.
fn new_queue() -> Arc<JobQueue> {
    Arc::new(JobQueue::new())
}

/// Calls `next_job` within [`PATIENCE`]: `what` says what the queue holds.
fn next(queue: &Arc<JobQueue>, what: &str) -> Option<Job> {
    let queue = Arc::clone(queue);
    within_patience(&format!("next_job on {what}"), move || queue.next_job())
}

/// Takes the next job, failing the test if there is none.
fn take(queue: &Arc<JobQueue>, what: &str) -> Job {
    next(queue, &format!("a queue that still holds {what}"))
        .unwrap_or_else(|| panic!("next_job returned None, but {what} was still queued"))
}

#[test]
fn jobs_come_out_in_the_order_they_were_pushed() {
    let queue = new_queue();
    let log = Arc::new(Mutex::new(Vec::new()));
    for id in 0..3 {
        push(&queue, logging_job(&log, id));
    }
    assert_eq!(queue.len(), 3, "three jobs pushed, none taken yet");
    for id in 0..3 {
        take(&queue, &format!("job {id}"))();
    }
    assert_eq!(*lock(&log), vec![0, 1, 2], "first in, first out");
    assert!(queue.is_empty(), "every job was taken");
}

// ANCHOR: closed_queue
#[test]
fn a_closed_queue_still_hands_out_its_queued_jobs_then_none() {
    let queue = new_queue();
    let log = Arc::new(Mutex::new(Vec::new()));
    push(&queue, logging_job(&log, 1));
    push(&queue, logging_job(&log, 2));
    queue.close();

    take(&queue, "a job pushed before close")();
    take(&queue, "a second job pushed before close")();
    assert_eq!(
        *lock(&log),
        vec![1, 2],
        "closing must not lose the jobs already queued: the pool's shutdown relies on it"
    );
    assert!(
        next(&queue, "a closed, empty queue").is_none(),
        "a closed, empty queue must return None (and not wait)"
    );
    assert!(
        next(&queue, "a closed, empty queue").is_none(),
        "once closed and empty, it stays that way"
    );
}
// ANCHOR_END: closed_queue

#[test]
fn push_after_close_gives_the_job_back_unrun() {
    let queue = new_queue();
    let log = Arc::new(Mutex::new(Vec::new()));
    queue.close();
    queue.close(); // closing twice is allowed

    let Err(refused) = queue.push(logging_job(&log, 7)) else {
        panic!("a closed queue must refuse a new job with Err(job)");
    };
    assert!(lock(&log).is_empty(), "the refused job must not have run");
    refused();
    assert_eq!(
        *lock(&log),
        vec![7],
        "Err must hold the very job that was pushed"
    );
    assert!(
        next(&queue, "a closed queue that refused a job").is_none(),
        "the refused job must not be queued either"
    );
}

#[test]
fn next_job_waits_for_a_job_to_be_pushed() {
    const ROUNDS: u32 = 200;
    let queue = Arc::new(JobQueue::new());
    let (sender, taken) = mpsc::channel();
    let taker = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            // Takes jobs one at a time; between two rounds the queue is empty, so each
            // next_job call has to wait until the test pushes the next job.
            for _ in 0..ROUNDS {
                let job = queue.next_job();
                let got_one = job.is_some();
                if let Some(job) = job {
                    job();
                }
                if sender.send(got_one).is_err() {
                    return;
                }
            }
        })
    };

    let log = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS {
        push(&queue, logging_job(&log, round));
        match taken.recv_timeout(PATIENCE) {
            Ok(true) => {}
            Ok(false) => panic!(
                "next_job returned None on an open queue: it must wait until a job is pushed \
                 (None means \"closed, never any more jobs\", and ends the worker)"
            ),
            Err(_) => panic!(
                "in round {round}, a thread waiting in next_job was not woken by push within \
                 {PATIENCE:?}: push must notify the condvar"
            ),
        }
    }
    within_patience("joining the taker thread", move || taker.join())
        .expect("the taker thread should not panic");
    assert_eq!(
        *lock(&log),
        (0..ROUNDS).collect::<Vec<_>>(),
        "the taker got every pushed job, in order"
    );
}

#[test]
fn close_wakes_every_thread_waiting_for_a_job() {
    const TAKERS: usize = 3;
    const ROUNDS: usize = 20;
    for round in 0..ROUNDS {
        let queue = Arc::new(JobQueue::new());
        let started = Arc::new(Flags::new(TAKERS));
        let (sender, results) = mpsc::channel();
        for index in 0..TAKERS {
            let queue = Arc::clone(&queue);
            let started = Arc::clone(&started);
            let sender = sender.clone();
            thread::spawn(move || {
                started.raise(index);
                let _ = sender.send(queue.next_job().is_none());
            });
        }
        for index in 0..TAKERS {
            assert!(
                started.wait_for(index),
                "taker {index} did not start within {PATIENCE:?}"
            );
        }

        queue.close();
        for woken in 0..TAKERS {
            match results.recv_timeout(PATIENCE) {
                Ok(true) => {}
                Ok(false) => panic!("next_job on a closed, empty queue returned a job"),
                Err(_) => panic!(
                    "in round {round}, after close only {woken} of {TAKERS} threads waiting in \
                     next_job came back within {PATIENCE:?}: close must wake every waiter, not \
                     just one"
                ),
            }
        }
    }
}
