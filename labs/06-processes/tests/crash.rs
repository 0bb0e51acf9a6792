//! Exercise 6.7: crash isolation, and stopping the pool.

mod common;

use common::{Held, while_stopped, worker_program};
use lab_processes::pool::ProcessPool;
use lab_processes::task::{Reply, Task, sum_of_squares};
use lab_processes::worker::TaskError;
use lab_support::process::assert_all_gone;
use lab_support::within_patience;

fn pool(size: usize) -> ProcessPool {
    let started = within_patience("ProcessPool::new", move || {
        ProcessPool::new(worker_program(), size)
    });
    match started {
        Ok(pool) => pool,
        Err(error) => panic!("ProcessPool::new with {size} workers failed: {error}"),
    }
}

/// Drops `pool`, which kills and reaps its workers, within a bounded wait.
fn drop_pool(pool: ProcessPool) {
    within_patience("dropping the ProcessPool", move || drop(pool));
}

fn map(mut pool: ProcessPool, tasks: Vec<Task>) -> (ProcessPool, Vec<Result<Reply, TaskError>>) {
    within_patience("ProcessPool::map", move || {
        let results = pool.map(tasks);
        (pool, results)
    })
}

/// Checks that every `Abort` task failed with WorkerDied and every other task got its sum.
fn check(tasks: &[Task], results: &[Result<Reply, TaskError>]) {
    assert_eq!(results.len(), tasks.len(), "one result per task");
    for (i, (task, result)) in tasks.iter().zip(results).enumerate() {
        match (task, result) {
            (Task::Abort, Err(TaskError::WorkerDied(_))) => {}
            (Task::Abort, other) => {
                panic!("task {i} aborts its worker: it must fail with WorkerDied, got {other:?}")
            }
            (Task::SumOfSquares(n), Ok(Reply::Sum(sum))) => {
                assert_eq!(*sum, sum_of_squares(*n), "the reply to task {i}")
            }
            (task, other) => panic!(
                "task {i} ({task:?}) must succeed even though other tasks crashed their workers, \
                 got {other:?}"
            ),
        }
    }
}

#[test]
fn a_crashing_task_fails_alone_and_the_others_complete() {
    let tasks: Vec<Task> = (0..12)
        .map(|i| {
            if i == 2 || i == 7 {
                Task::Abort
            } else {
                Task::SumOfSquares(i * 1_000)
            }
        })
        .collect();
    let (pool, results) = map(pool(2), tasks.clone());
    check(&tasks, &results);
    drop_pool(pool);
}

#[test]
fn every_worker_can_crash_and_the_pool_carries_on() {
    let mut tasks = vec![Task::Abort; 4];
    tasks.extend((1..=6).map(|n| Task::SumOfSquares(n * 100)));
    let (pool, results) = map(pool(2), tasks.clone());
    check(&tasks, &results);
    let (pool, again) = map(pool, vec![Task::SumOfSquares(10)]);
    assert!(
        matches!(again[..], [Ok(Reply::Sum(285))]),
        "the pool still works after every worker crashed, got {again:?}"
    );
    drop_pool(pool);
}

#[test]
fn the_pool_replaces_a_crashed_worker_and_reaps_it() {
    let pool = pool(1);
    let [old] = pool.worker_pids()[..] else {
        panic!("a pool of 1 has one worker")
    };
    let (pool, crashed) = map(pool, vec![Task::Abort]);
    assert!(
        matches!(crashed[..], [Err(TaskError::WorkerDied(_))]),
        "Task::Abort must fail with WorkerDied, got {crashed:?}"
    );
    assert_all_gone(&[old], "map reported the crash");
    let pids = pool.worker_pids();
    assert_eq!(pids.len(), 1, "the pool keeps its size");
    assert_ne!(
        pids[0], old,
        "the crashed worker must be replaced by a new process"
    );
    let (pool, asked) = map(pool, vec![Task::Pid]);
    assert!(
        matches!(asked[..], [Ok(Reply::Pid(pid))] if pid == pids[0]),
        "the new worker runs the next task, got {asked:?}"
    );
    drop_pool(pool);
}

#[test]
fn shutdown_stops_every_worker_cleanly_and_reaps_it() {
    let (pool, _) = map(pool(3), (0..6).map(Task::SumOfSquares).collect());
    let pids = pool.worker_pids();
    // Stopped, the workers cannot exit by themselves until the test lets them go on, so a
    // shutdown that kills them instead of waiting fails every time (see `while_stopped`).
    let statuses = match while_stopped(&pids, "ProcessPool::shutdown", move || pool.shutdown()) {
        Held::After(statuses) => statuses,
        Held::Early(returned) => {
            let returned = match returned {
                Ok(statuses) => statuses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(error) => format!("the error {error}"),
            };
            assert_all_gone(&pids, "shutdown returned");
            panic!(
                "shutdown returned ({returned}) while every worker was stopped and could not \
                 exit by itself: shutdown must close each worker's stdin and wait for it to \
                 exit, not kill it"
            );
        }
    };
    match statuses {
        Ok(statuses) => {
            assert_eq!(statuses.len(), 3, "one exit status per worker");
            assert!(
                statuses.iter().all(|status| status.success()),
                "workers whose stdin is closed exit by themselves, with success; got {statuses:?}"
            );
        }
        Err(error) => panic!("shutdown failed: {error}"),
    }
    assert_all_gone(&pids, "shutdown returned");
}

#[test]
fn dropping_the_pool_kills_and_reaps_every_worker() {
    let (pool, _) = map(pool(3), (0..6).map(Task::SumOfSquares).collect());
    let pids = pool.worker_pids();
    drop_pool(pool);
    assert_all_gone(&pids, "the pool was dropped");
}
