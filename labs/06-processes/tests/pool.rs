//! Exercise 6.6: `ProcessPool::new` and `ProcessPool::map`.

mod common;

use std::collections::HashSet;
use std::io::ErrorKind;
use std::time::Duration;

use common::{Gatekeeper, worker_program};
use lab_processes::pool::ProcessPool;
use lab_processes::task::{GATE_PATIENCE, Reply, Task, sum_of_squares};
use lab_processes::worker::TaskError;
use lab_support::process::is_gone;
use lab_support::{PATIENCE, within, within_patience};

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

/// Runs `tasks` on `pool`, failing the test if that takes longer than `limit`; gives the pool
/// back with the results.
fn map_within(
    limit: Duration,
    mut pool: ProcessPool,
    tasks: Vec<Task>,
) -> (ProcessPool, Vec<Result<Reply, TaskError>>) {
    within("ProcessPool::map", limit, move || {
        let results = pool.map(tasks);
        (pool, results)
    })
}

/// [`map_within`] for ordinary tasks, which correct code finishes at once.
fn map(pool: ProcessPool, tasks: Vec<Task>) -> (ProcessPool, Vec<Result<Reply, TaskError>>) {
    map_within(PATIENCE, pool, tasks)
}

/// [`map_within`] for at most three rounds of gate tasks, each of which may wait `GATE_PATIENCE`
/// in its worker before it gives up: a pool that runs them one at a time still returns, and the
/// test can say why it failed. A pool that hangs fails after 20 s.
fn map_gates(pool: ProcessPool, tasks: Vec<Task>) -> (ProcessPool, Vec<Result<Reply, TaskError>>) {
    map_within(GATE_PATIENCE * 3 + PATIENCE / 2, pool, tasks)
}

/// What a gate task replied: its tag, its worker, and whether it got through.
fn gate(result: &Result<Reply, TaskError>) -> (u64, u32, bool) {
    match result {
        Ok(Reply::Gate { tag, pid, opened }) => (*tag, *pid, *opened),
        other => panic!("a gate task must reply Reply::Gate, got {other:?}"),
    }
}

#[test]
fn new_starts_the_requested_number_of_workers() {
    let pool = pool(3);
    let pids = pool.worker_pids();
    assert_eq!(pool.size(), 3, "a pool of 3 has 3 workers");
    let distinct: HashSet<u32> = pids.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        3,
        "each worker is a process of its own, got pids {pids:?}"
    );
    assert!(
        pids.iter().all(|&pid| !is_gone(pid)),
        "the workers are running"
    );
    drop_pool(pool);

    let (empty, missing) = within_patience("ProcessPool::new that must fail", || {
        (
            ProcessPool::new(worker_program(), 0),
            ProcessPool::new("/no/such/dir/no-such-worker", 2),
        )
    });
    match empty {
        Err(error) => assert_eq!(error.kind(), ErrorKind::InvalidInput, "a pool of 0 workers"),
        Ok(pool) => panic!("a pool of 0 workers must be refused, got {pool:?}"),
    }
    assert!(
        missing.is_err(),
        "a pool of a program that does not exist must fail to start"
    );
}

#[test]
fn map_returns_one_result_per_task_in_input_order() {
    let sizes: Vec<u64> = (0..40).map(|i| (i * 7_919) % 50_000).collect();
    let tasks = sizes.iter().map(|&n| Task::SumOfSquares(n)).collect();
    let (pool, results) = map(pool(3), tasks);
    let results: Vec<Reply> = results
        .into_iter()
        .enumerate()
        .map(|(i, result)| result.unwrap_or_else(|error| panic!("task {i} failed: {error}")))
        .collect();
    let expected: Vec<Reply> = sizes
        .iter()
        .map(|&n| Reply::Sum(sum_of_squares(n)))
        .collect();
    assert_eq!(results, expected, "result i must be the reply to tasks[i]");

    let (pool, nothing) = map(pool, Vec::new());
    assert!(nothing.is_empty(), "no tasks give no results");
    drop_pool(pool);
}

#[test]
fn map_runs_tasks_on_every_worker_at_once() {
    const WORKERS: usize = 3;
    let gatekeeper = Gatekeeper::all_at_once(WORKERS);
    let pool = pool(WORKERS);
    let tasks = (0..WORKERS as u64)
        .map(|tag| Task::Gate {
            port: gatekeeper.port,
            tag,
        })
        .collect();
    let (pool, results) = map_gates(pool, tasks);
    let gates: Vec<(u64, u32, bool)> = results.iter().map(gate).collect();
    let through = gates.iter().filter(|(_, _, opened)| *opened).count();
    assert_eq!(
        through, WORKERS,
        "the gates open only when all {WORKERS} tasks are waiting at them at the same time, but \
         {through} got through ({gates:?}): map must keep every worker busy at once"
    );
    let ran_on: HashSet<u32> = gates.iter().map(|(_, pid, _)| *pid).collect();
    let workers: HashSet<u32> = pool.worker_pids().into_iter().collect();
    assert_eq!(
        ran_on, workers,
        "each task ran on a different worker of the pool"
    );
    drop_pool(pool);
}

#[test]
fn a_slow_task_does_not_hold_up_the_tasks_behind_it() {
    // Gate 0 opens only after gates 1 to 4 have all been reached. With two workers, that
    // happens only if the other worker runs tasks 1, 2, 3 and 4 while task 0 waits, so tasks 1 to
    // 3 finish before task 0.
    const TASKS: u64 = 5;
    let gatekeeper = Gatekeeper::hold_back(0, TASKS);
    let tasks = (0..TASKS)
        .map(|tag| Task::Gate {
            port: gatekeeper.port,
            tag,
        })
        .collect();
    let (pool, results) = map_gates(pool(2), tasks);
    let gates: Vec<(u64, u32, bool)> = results.iter().map(gate).collect();
    let tags: Vec<u64> = gates.iter().map(|(tag, _, _)| *tag).collect();
    assert_eq!(
        tags,
        (0..TASKS).collect::<Vec<_>>(),
        "results must be in the order of the tasks, not in the order they finished"
    );
    let stuck: Vec<u64> = gates
        .iter()
        .filter(|(_, _, opened)| !opened)
        .map(|(tag, _, _)| *tag)
        .collect();
    assert!(
        stuck.is_empty(),
        "gates {stuck:?} never opened: while task 0 waited, the other worker should have taken \
         every following task (a free worker takes the next task, tasks are not dealt out in \
         advance)"
    );
    drop_pool(pool);
}
