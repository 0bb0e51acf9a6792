//! Benchmarks for Exercise 8.9: 100 000 tiny jobs on your work-stealing pool, on the lab 04 pool
//! (one queue behind a mutex), and on rayon (`scope` + `spawn`), each with one worker per core.
//!
//! Workload: **overhead per job**. Each job only counts itself out of a shared latch, so what is
//! measured is the cost of queueing, finding and running a job:
//!
//! - `stealing_nested` — one job on your pool spawns all the others onto its own deque (as
//!   `rayon::scope` does): the other workers steal them;
//! - `stealing_injector` — this thread spawns them all onto your pool's injector;
//! - `lab04_execute` — `execute` on the `ThreadPool` you built in lab 04;
//! - `rayon_scope_spawn` — `rayon::ThreadPool::scope` with a `spawn` per job (the jobs go on
//!   the deque of the worker that runs the scope, like `stealing_nested`);
//! - `rayon_spawn_outside` — `rayon::ThreadPool::spawn` from this thread (rayon's injector, like
//!   `stealing_injector`).
//!
//! For the ratio between them from a single run, use the example:
//! `cargo run --release -p lab-primitives --example tiny_jobs`.
//!
//! Your pools' benchmarks panic until the exercises (this lab's and lab 04's) are done; rayon's
//! runs already: `cargo bench -p lab-primitives --bench pools -- rayon`.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lab_pools::ThreadPool as Lab04Pool;
use lab_primitives::pool::StealingPool;

const JOBS: usize = 100_000;

/// Counts jobs down; `wait` returns once all have counted themselves out.
struct Latch {
    remaining: AtomicUsize,
    done: Mutex<bool>,
    finished: Condvar,
}

impl Latch {
    fn new(jobs: usize) -> Arc<Self> {
        Arc::new(Latch {
            remaining: AtomicUsize::new(jobs),
            done: Mutex::new(false),
            finished: Condvar::new(),
        })
    }

    fn count_down(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.done.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.finished.notify_all();
        }
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        while !*done {
            done = self
                .finished
                .wait(done)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn tiny_jobs(c: &mut Criterion) {
    let workers = cores();
    let stealing = StealingPool::new(workers);
    let lab04 = Lab04Pool::new(workers).expect("could not start the lab 04 pool");
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("could not start rayon's pool");

    let mut group = c.benchmark_group("tiny_jobs");
    group.throughput(Throughput::Elements(JOBS as u64));
    group.sample_size(10);
    group.bench_function("stealing_nested", |b| {
        b.iter(|| {
            let latch = Latch::new(JOBS);
            let root = Arc::clone(&latch);
            stealing.spawn(move |local| {
                for i in 1..JOBS {
                    let latch = Arc::clone(&root);
                    local.spawn(move |_| {
                        black_box(i);
                        latch.count_down();
                    });
                }
                root.count_down();
            });
            latch.wait();
        })
    });
    group.bench_function("stealing_injector", |b| {
        b.iter(|| {
            let latch = Latch::new(JOBS);
            for i in 0..JOBS {
                let latch = Arc::clone(&latch);
                stealing.spawn(move |_| {
                    black_box(i);
                    latch.count_down();
                });
            }
            latch.wait();
        })
    });
    group.bench_function("lab04_execute", |b| {
        b.iter(|| {
            let latch = Latch::new(JOBS);
            for i in 0..JOBS {
                let latch = Arc::clone(&latch);
                lab04.execute(move || {
                    black_box(i);
                    latch.count_down();
                });
            }
            latch.wait();
        })
    });
    group.bench_function("rayon_scope_spawn", |b| {
        b.iter(|| {
            let latch = Latch::new(JOBS);
            rayon.scope(|s| {
                for i in 0..JOBS {
                    let latch = Arc::clone(&latch);
                    s.spawn(move |_| {
                        black_box(i);
                        latch.count_down();
                    });
                }
            });
            latch.wait();
        })
    });
    group.bench_function("rayon_spawn_outside", |b| {
        b.iter(|| {
            let latch = Latch::new(JOBS);
            for i in 0..JOBS {
                let latch = Arc::clone(&latch);
                rayon.spawn(move || {
                    black_box(i);
                    latch.count_down();
                });
            }
            latch.wait();
        })
    });
    group.finish();
}

criterion_group!(benches, tiny_jobs);
criterion_main!(benches);
