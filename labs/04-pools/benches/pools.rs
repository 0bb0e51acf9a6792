//! Benchmarks for lab 04: your `ThreadPool` against rayon's and against a thread per job.
//!
//! - `tiny_jobs/*` — **overhead per job** (the cost of spawning or queueing, not of work): many
//!   jobs that do almost nothing, run by your pool (`execute` and `map`), by a
//!   `rayon::ThreadPool` (`scope` + `spawn`, and `par_iter`), and by one new thread per job.
//! - `cpu_jobs/*` — **CPU-bound**: 64 jobs of pure arithmetic, the same four ways, and on one
//!   thread for reference.
//! - `workers_cpu/*` and `workers_sleep/*` — **the worker-count curve**: the same batch of 64
//!   jobs on a pool of 1, 2, 4, … 256 workers, built and shut down inside each iteration (as a
//!   program that makes a pool for one batch does). `workers_cpu` jobs compute (CPU-bound);
//!   `workers_sleep` jobs sleep for 1 ms, standing in for a wait on the network or disk
//!   (I/O-bound).
//!
//! Your pool's benchmarks panic until the exercises are done (`todo!()`); the rayon and
//! thread-per-job ones run already, e.g. `cargo bench -p lab-pools -- rayon`.

use std::hint::black_box;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_pools::ThreadPool;
use rayon::prelude::*;

/// The number of cores (hardware threads) this machine offers.
fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn lab_pool(workers: usize) -> ThreadPool {
    ThreadPool::new(workers).expect("a pool with at least one worker")
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon could not start its threads")
}

/// Runs `jobs` tiny jobs with `execute` and waits for all of them. Each job holds a clone of one
/// `Sender` and drops it when done; `recv` fails once every clone is gone, i.e. every job ran.
fn execute_tiny_jobs(pool: &ThreadPool, jobs: u64) {
    let (done, all_done) = mpsc::channel::<()>();
    for i in 0..jobs {
        let done = done.clone();
        pool.execute(move || {
            black_box(i);
            drop(done);
        });
    }
    drop(done);
    let _ = all_done.recv();
}

fn thread_per_job_tiny(jobs: u64) {
    let handles: Vec<_> = (0..jobs)
        .map(|i| thread::spawn(move || black_box(i)))
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
}

fn tiny_jobs(c: &mut Criterion) {
    let cores = cores();
    let pool = lab_pool(cores);
    let rayon = rayon_pool(cores);
    let mut group = c.benchmark_group("tiny_jobs");
    let jobs: u64 = 100_000;
    group.throughput(Throughput::Elements(jobs));
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("lab_execute", jobs), |b| {
        b.iter(|| execute_tiny_jobs(&pool, jobs))
    });
    group.bench_function(BenchmarkId::new("lab_map", jobs), |b| {
        b.iter(|| pool.map(0..jobs, |i| black_box(i) ^ 1))
    });
    group.bench_function(BenchmarkId::new("rayon_spawn", jobs), |b| {
        b.iter(|| {
            rayon.scope(|s| {
                for i in 0..jobs {
                    s.spawn(move |_| {
                        black_box(i);
                    });
                }
            })
        })
    });
    group.bench_function(BenchmarkId::new("rayon_par_iter", jobs), |b| {
        b.iter(|| {
            rayon.install(|| {
                (0..jobs)
                    .into_par_iter()
                    .map(|i| black_box(i) ^ 1)
                    .collect::<Vec<_>>()
            })
        })
    });
    // A new thread for each of 100 000 jobs takes seconds per iteration; 10 000 show the cost
    // per job just as well (compare the per-element throughput).
    let spawned: u64 = 10_000;
    group.throughput(Throughput::Elements(spawned));
    group.bench_function(BenchmarkId::new("thread_per_job", spawned), |b| {
        b.iter(|| thread_per_job_tiny(spawned))
    });
    group.finish();
}

/// Pure arithmetic on one number: `rounds` multiply–xor-shift steps. About a nanosecond each.
fn spin(mut x: u64, rounds: u32) -> u64 {
    for _ in 0..rounds {
        x = (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    x
}

/// The jobs of `cpu_jobs` and `workers_cpu`: 64 jobs of 100 000 rounds each.
const CPU_JOBS: u64 = 64;
const CPU_ROUNDS: u32 = 100_000;

fn cpu_jobs(c: &mut Criterion) {
    let cores = cores();
    let pool = lab_pool(cores);
    let rayon = rayon_pool(cores);
    let mut group = c.benchmark_group("cpu_jobs");
    group.throughput(Throughput::Elements(CPU_JOBS));
    group.sample_size(10);
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            (0..CPU_JOBS)
                .map(|i| spin(i, CPU_ROUNDS))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("lab_map", |b| {
        b.iter(|| pool.map(0..CPU_JOBS, |i| spin(i, CPU_ROUNDS)))
    });
    group.bench_function("rayon_par_iter", |b| {
        b.iter(|| {
            rayon.install(|| {
                (0..CPU_JOBS)
                    .into_par_iter()
                    .map(|i| spin(i, CPU_ROUNDS))
                    .collect::<Vec<_>>()
            })
        })
    });
    group.bench_function("thread_per_job", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..CPU_JOBS)
                .map(|i| thread::spawn(move || spin(i, CPU_ROUNDS)))
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("a job panicked"))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

/// Worker counts for the curves.
const WORKER_COUNTS: [usize; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/// How long a job of `workers_sleep` waits.
const SLEEP: Duration = Duration::from_millis(1);
const SLEEP_JOBS: u64 = 64;

fn workers_cpu(c: &mut Criterion) {
    let mut group = c.benchmark_group("workers_cpu");
    group.throughput(Throughput::Elements(CPU_JOBS));
    group.sample_size(10);
    for workers in WORKER_COUNTS {
        group.bench_with_input(BenchmarkId::from_parameter(workers), &workers, |b, &n| {
            b.iter(|| {
                let pool = lab_pool(n);
                let results = pool.map(0..CPU_JOBS, |i| spin(i, CPU_ROUNDS));
                let _ = pool.shutdown();
                results
            })
        });
    }
    group.finish();
}

fn workers_sleep(c: &mut Criterion) {
    let mut group = c.benchmark_group("workers_sleep");
    group.throughput(Throughput::Elements(SLEEP_JOBS));
    group.sample_size(10);
    for workers in WORKER_COUNTS {
        group.bench_with_input(BenchmarkId::from_parameter(workers), &workers, |b, &n| {
            b.iter(|| {
                let pool = lab_pool(n);
                pool.map(0..SLEEP_JOBS, |_| thread::sleep(SLEEP));
                pool.shutdown()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tiny_jobs, cpu_jobs, workers_cpu, workers_sleep);
criterion_main!(benches);
