//! Exercise 8.9 on real threads (loom cannot see inside crossbeam's deques): every job runs, idle
//! workers steal, a job a job spawns goes on its worker's own deque, sleeping workers are woken,
//! and dropping the pool loses nothing.

#![cfg(not(feature = "loom"))]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use common::{TestPool, wait_until_asleep};
use lab_primitives::pool::StealingPool;
use lab_support::{Rendezvous, lock, within_patience};

/// Waits until every worker of `pool` sleeps, so that the next job can only run if it wakes one.
fn wait_until_all_asleep(pool: &StealingPool) {
    for id in pool.worker_ids() {
        wait_until_asleep(id, "an idle worker");
    }
}

#[test]
fn every_job_spawned_from_outside_runs() {
    const JOBS: u64 = 1_000;
    let pool = TestPool::new(3);
    let (done, finished) = mpsc::channel();
    for i in 0..JOBS {
        let done = done.clone();
        pool.spawn(move |_| done.send(i).expect("the test stopped listening"));
    }
    drop(done);
    let mut ran: Vec<u64> = within_patience("1000 jobs to run", move || finished.iter().collect());
    ran.sort_unstable();
    assert_eq!(
        ran,
        (0..JOBS).collect::<Vec<_>>(),
        "every job must run exactly once"
    );
    drop(pool);
}

#[test]
fn every_worker_takes_part() {
    const WORKERS: usize = 3;
    let pool = TestPool::new(WORKERS);
    let meeting = Arc::new(Rendezvous::new(WORKERS));
    let (done, finished) = mpsc::channel();
    for _ in 0..WORKERS {
        let (meeting, done) = (Arc::clone(&meeting), done.clone());
        pool.spawn(move |local| {
            meeting.meet("jobs on the pool's workers");
            done.send(local.index())
                .expect("the test stopped listening");
        });
    }
    drop(done);
    let mut indices: Vec<usize> =
        within_patience("three jobs that meet", move || finished.iter().collect());
    indices.sort_unstable();
    assert_eq!(
        indices,
        [0, 1, 2],
        "three jobs that wait for each other must run on the three workers at once"
    );
    drop(pool);
}

#[test]
fn idle_workers_steal_the_jobs_a_busy_worker_spawned() {
    const WORKERS: usize = 3;
    let pool = TestPool::new(WORKERS);
    wait_until_all_asleep(&pool);
    let meeting = Arc::new(Rendezvous::new(WORKERS));
    let (done, finished) = mpsc::channel();
    pool.spawn({
        let (meeting, done) = (Arc::clone(&meeting), done.clone());
        move |local| {
            // These go on this worker's own deque, and this worker then blocks: only the others
            // can run them, by stealing.
            for _ in 1..WORKERS {
                let (meeting, done) = (Arc::clone(&meeting), done.clone());
                local.spawn(move |local| {
                    meeting.meet("a job and the jobs it spawned");
                    done.send(local.index())
                        .expect("the test stopped listening");
                });
            }
            meeting.meet("a job and the jobs it spawned");
            done.send(local.index())
                .expect("the test stopped listening");
        }
    });
    drop(done);
    let mut indices: Vec<usize> =
        within_patience("a job and the two jobs it spawned, which meet", move || {
            finished.iter().collect()
        });
    indices.sort_unstable();
    assert_eq!(
        indices,
        [0, 1, 2],
        "the spawned jobs must be stolen by the sleeping workers (are they woken, and do they steal?)"
    );
    drop(pool);
}

#[test]
fn a_job_s_own_spawns_run_last_in_first_out_on_one_worker() {
    let pool = TestPool::new(1);
    let order = Arc::new(Mutex::new(Vec::new()));
    let (done, finished) = mpsc::channel::<()>();
    pool.spawn({
        let (order, done) = (Arc::clone(&order), done.clone());
        move |local| {
            for i in 1..=3 {
                let (order, done) = (Arc::clone(&order), done.clone());
                local.spawn(move |_| {
                    lock(&order).push(i);
                    drop(done);
                });
            }
            lock(&order).push(0);
            drop(done);
        }
    });
    drop(done);
    // `recv` fails once every job has dropped its sender.
    within_patience("a job and the three jobs it spawned", move || {
        let _ = finished.recv();
    });
    assert_eq!(
        *lock(&order),
        [0, 3, 2, 1],
        "on one worker, a job's spawns run after it, newest first: they must go on the worker's own deque"
    );
    drop(pool);
}

#[test]
fn a_job_spawned_while_every_worker_sleeps_runs() {
    let pool = TestPool::new(2);
    for round in 0..5 {
        wait_until_all_asleep(&pool);
        let (done, finished) = mpsc::channel();
        pool.spawn(move |_| done.send(round).expect("the test stopped listening"));
        let ran = within_patience(
            "a job spawned while every worker slept (is a sleeping worker woken?)",
            move || finished.recv(),
        );
        assert_eq!(ran, Ok(round));
    }
    // Every worker asleep once more: dropping the pool must wake them all to stop (with
    // `Sleep::wake_all`), or its drop waits for a worker that never wakes.
    wait_until_all_asleep(&pool);
    drop(pool);
}

#[test]
fn dropping_the_pool_runs_every_queued_and_spawned_job() {
    const JOBS: u64 = 200;
    let count = Arc::new(AtomicU64::new(0));
    let pool = TestPool::new(2);
    for _ in 0..JOBS {
        let count = Arc::clone(&count);
        pool.spawn(move |local| {
            let count = Arc::clone(&count);
            local.spawn(move |_| {
                count.fetch_add(1, Ordering::SeqCst);
            });
        });
    }
    // Dropping the pool (within the test's patience) waits for every job.
    drop(pool);
    assert_eq!(
        count.load(Ordering::SeqCst),
        JOBS,
        "drop must wait for every job, and for every job those jobs spawn"
    );
}

#[test]
fn many_threads_spawning_at_once_lose_no_job() {
    const SPAWNERS: u64 = 4;
    const PER_SPAWNER: u64 = 5_000;
    let count = Arc::new(AtomicU64::new(0));
    let pool = Arc::new(TestPool::new(3));
    let spawners: Vec<_> = (0..SPAWNERS)
        .map(|_| {
            let (pool, count) = (Arc::clone(&pool), Arc::clone(&count));
            std::thread::spawn(move || {
                for i in 0..PER_SPAWNER {
                    let count = Arc::clone(&count);
                    pool.spawn(move |local| {
                        if i % 2 == 0 {
                            let count = Arc::clone(&count);
                            local.spawn(move |_| {
                                count.fetch_add(1, Ordering::SeqCst);
                            });
                        }
                        count.fetch_add(1, Ordering::SeqCst);
                    });
                }
            })
        })
        .collect();
    within_patience("four threads spawning 5000 jobs each", move || {
        for spawner in spawners {
            spawner.join().expect("a spawning thread panicked");
        }
        drop(Arc::into_inner(pool).expect("the spawners are done with the pool"));
    });
    assert_eq!(
        count.load(Ordering::SeqCst),
        SPAWNERS * PER_SPAWNER * 3 / 2,
        "every job, and every job a job spawned, must run exactly once"
    );
}
