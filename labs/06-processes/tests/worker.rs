//! Exercise 6.5: `Worker`: start, call, shutdown, and what happens when it dies.

mod common;

use std::io::ErrorKind;
use std::path::Path;

use common::{Held, while_stopped, worker_program};
use lab_processes::task::{Reply, Task, sum_of_squares};
use lab_processes::worker::{TaskError, Worker};
use lab_support::process::{assert_all_gone, is_gone};
use lab_support::within_patience;

fn start() -> Worker {
    match Worker::start(worker_program()) {
        Ok(worker) => worker,
        Err(error) => panic!("Worker::start of the lab's `worker` program failed: {error}"),
    }
}

#[test]
fn a_worker_answers_its_tasks_one_after_another() {
    let (pid, replies, worker) = within_patience("three calls to one worker", || {
        let mut worker = start();
        let replies: Vec<_> = [
            Task::SumOfSquares(10),
            Task::Pid,
            Task::SumOfSquares(12_345),
        ]
        .iter()
        .map(|task| worker.call(task).map_err(|error| error.to_string()))
        .collect();
        (worker.pid(), replies, worker)
    });
    assert_eq!(
        replies,
        [
            Ok(Reply::Sum(285)),
            Ok(Reply::Pid(pid)),
            Ok(Reply::Sum(sum_of_squares(12_345)))
        ],
        "each call gets the reply to its own task, from the same worker process"
    );
    within_patience("dropping the Worker", move || drop(worker));
}

#[test]
fn start_reports_a_missing_program() {
    let started = within_patience("Worker::start of a missing program", || {
        Worker::start(Path::new("/no/such/dir/no-such-worker"))
    });
    match started {
        Err(error) => assert_eq!(
            error.kind(),
            ErrorKind::NotFound,
            "the error of a missing program"
        ),
        Ok(worker) => panic!("starting a program that does not exist must fail, got {worker:?}"),
    }
}

#[test]
fn a_task_that_crashes_the_worker_is_reported_and_the_worker_reaped() {
    let (pid, first, second) = within_patience("a call that crashes the worker", || {
        let mut worker = start();
        let pid = worker.pid();
        let first = worker.call(&Task::Abort);
        let gone = is_gone(pid);
        let second = worker.call(&Task::SumOfSquares(3));
        (pid, (first, gone), (second, worker))
    });
    let (first, gone_after_first) = first;
    let (second, worker) = second;
    match first {
        Err(TaskError::WorkerDied(status)) => {
            assert!(
                !status.success(),
                "an aborted worker has not succeeded: {status}"
            );
            #[cfg(unix)]
            assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(libc::SIGABRT),
                "the status of a worker that aborted"
            );
        }
        other => panic!(
            "Task::Abort kills the worker before it replies: call must return \
             Err(TaskError::WorkerDied(status)), not {other:?}"
        ),
    }
    if !gone_after_first {
        assert_all_gone(&[pid], "call reported the worker's death");
    }
    assert!(
        matches!(second, Err(TaskError::WorkerDied(_))),
        "a dead worker answers every later call with WorkerDied, got {second:?}"
    );
    within_patience("dropping the Worker", move || drop(worker));
}

#[test]
fn shutdown_closes_stdin_and_the_worker_exits_cleanly() {
    let (pid, status) = within_patience("Worker::shutdown", || {
        let mut worker = start();
        let pid = worker.pid();
        let warm_up = worker.call(&Task::SumOfSquares(100));
        assert!(
            warm_up.is_ok(),
            "a first call, before shutting down: {warm_up:?}"
        );
        (pid, worker.shutdown())
    });
    match status {
        Ok(status) => assert!(
            status.success(),
            "a worker whose stdin is closed exits by itself, with success; got {status} (was it killed?)"
        ),
        Err(error) => panic!("shutdown failed: {error}"),
    }
    assert_all_gone(&[pid], "shutdown returned");
}

/// Stops the worker before `shutdown`, so that it cannot exit by itself until the test lets it
/// go on: a `shutdown` that kills it instead of waiting fails every time (see `while_stopped`).
#[test]
fn shutdown_waits_for_the_worker_instead_of_killing_it() {
    let (worker, warm_up) = within_patience("Worker::start and a first call", || {
        let mut worker = start();
        let warm_up = worker.call(&Task::SumOfSquares(100));
        (worker, warm_up)
    });
    assert!(
        warm_up.is_ok(),
        "a first call, before shutting down: {warm_up:?}"
    );
    let pid = worker.pid();
    let status = match while_stopped(&[pid], "Worker::shutdown", move || worker.shutdown()) {
        Held::After(status) => status,
        Held::Early(returned) => {
            let returned = match returned {
                Ok(status) => status.to_string(),
                Err(error) => format!("the error {error}"),
            };
            assert_all_gone(&[pid], "shutdown returned");
            panic!(
                "shutdown returned ({returned}) while the worker was stopped and could not \
                 exit by itself: shutdown must close the worker's stdin and wait for it to exit, \
                 not kill it"
            );
        }
    };
    match status {
        Ok(status) => assert!(
            status.success(),
            "a worker whose stdin is closed exits by itself, with success; got {status} (was it killed?)"
        ),
        Err(error) => panic!("shutdown failed: {error}"),
    }
    assert_all_gone(&[pid], "shutdown returned");
}

#[test]
fn dropping_a_worker_kills_and_reaps_it() {
    let pid = within_patience("dropping a Worker", || {
        let worker = start();
        let pid = worker.pid();
        drop(worker);
        pid
    });
    assert_all_gone(&[pid], "the Worker was dropped");
}
