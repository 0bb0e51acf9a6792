//! Benchmarks for lab 06. Each group is one kind of workload:
//!
//! - `spawn/*` (spawn cost): start something trivial and wait for it: a thread, a process (the
//!   lab's `child ok`), and a one-off `procspawn::spawn`, which re-runs this benchmark program
//!   as the child. Also the cost of starting and shutting down a whole `ProcessPool`.
//! - `cpu/*` (CPU-bound): the sources' benchmark, four tasks of five million squares each
//!   ([`sum_of_squares`]), run one after another, on a minimal pool of scoped threads, on rayon,
//!   on the lab's `ProcessPool` and on `procspawn::Pool`. Every pool has one worker per core.
//! - `roundtrip/*` (overhead-bound): 64 tasks that are almost no work, so what is measured is
//!   handing a task to a worker and getting the answer back: through memory for threads, through
//!   pipes (and JSON) for processes.
//! - `pipe/*` (I/O-bound): 1 MiB through `child cat` with `pipe_through`; no computation, only
//!   moving bytes through two pipes.
//!
//! The lab's pieces are your code: until Exercises 6.2 and 6.4–6.7 are done their `todo!()`
//! panics, and so do the benchmarks that use them. `cargo bench -p lab-processes -- spawn/thread`
//! works from the start.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use lab_processes::pool::ProcessPool;
use lab_processes::stream::pipe_through;
use lab_processes::task::{Reply, Task, sum_of_squares};
use rayon::prelude::*;

/// The sources' CPU benchmark: four tasks of five million squares.
const CPU_TASKS: [u64; 4] = [5_000_000; 4];

/// The tiny tasks of the `roundtrip` group.
const TINY_TASKS: usize = 64;

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_worker"))
}

fn child() -> Command {
    Command::new(env!("CARGO_BIN_EXE_child"))
}

fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// A minimal thread pool for one batch: `threads` scoped threads, each taking the next input
/// from a shared counter until none are left. Results come back in input order.
fn on_threads(inputs: &[u64], threads: usize, work: fn(u64) -> u64) -> Vec<u64> {
    let next = AtomicUsize::new(0);
    let mut results = vec![0; inputs.len()];
    let done: Vec<Vec<(usize, u64)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&input) = inputs.get(i) else {
                            break mine;
                        };
                        mine.push((i, work(input)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a benchmark thread panicked"))
            .collect()
    });
    for (i, result) in done.into_iter().flatten() {
        results[i] = result;
    }
    results
}

fn start_process_pool(size: usize) -> ProcessPool {
    ProcessPool::new(worker(), size).expect("start the process pool")
}

fn start_procspawn_pool(size: usize) -> procspawn::Pool {
    procspawn::Pool::new(size).expect("start the procspawn pool")
}

fn on_process_pool(pool: &mut ProcessPool, inputs: &[u64]) -> Vec<u64> {
    let tasks = inputs.iter().map(|&n| Task::SumOfSquares(n)).collect();
    pool.map(tasks)
        .into_iter()
        .map(|result| match result {
            Ok(Reply::Sum(sum)) => sum,
            other => panic!("a benchmark task failed: {other:?}"),
        })
        .collect()
}

fn on_procspawn(pool: &procspawn::Pool, inputs: &[u64]) -> Vec<u64> {
    let handles: Vec<_> = inputs
        .iter()
        .map(|&n| pool.spawn(n, sum_of_squares))
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a procspawn task failed"))
        .collect()
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    group.bench_function("thread_spawn_join", |b| {
        b.iter(|| thread::spawn(|| black_box(1_u64)).join())
    });
    group.bench_function("process_spawn_wait", |b| {
        b.iter(|| {
            let status = child().arg("ok").status().expect("run `child ok`");
            assert!(status.success());
        })
    });
    group.bench_function("procspawn_spawn_join", |b| {
        b.iter(|| {
            procspawn::spawn(1_u64, black_box)
                .join()
                .expect("procspawn child")
        })
    });
    group.bench_function("process_pool_start_shutdown", |b| {
        b.iter(|| {
            let pool = ProcessPool::new(worker(), cores()).expect("start the pool");
            pool.shutdown().expect("shut the pool down")
        })
    });
    group.finish();
}

fn cpu(c: &mut Criterion) {
    let cores = cores();
    // The pools start when their benchmark first runs, so a filter can skip them.
    let mut process_pool = None;
    let mut procspawn_pool = None;
    let mut group = c.benchmark_group("cpu");
    group.sample_size(10);
    let name = "4x5M_squares";
    group.bench_function(BenchmarkId::new("sequential", name), |b| {
        b.iter(|| CPU_TASKS.map(sum_of_squares))
    });
    group.bench_function(BenchmarkId::new("threads", name), |b| {
        b.iter(|| on_threads(&CPU_TASKS, cores, sum_of_squares))
    });
    group.bench_function(BenchmarkId::new("rayon", name), |b| {
        b.iter(|| {
            CPU_TASKS
                .par_iter()
                .map(|&n| sum_of_squares(n))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function(BenchmarkId::new("process_pool", name), |b| {
        let pool = process_pool.get_or_insert_with(|| start_process_pool(cores));
        b.iter(|| on_process_pool(pool, &CPU_TASKS))
    });
    group.bench_function(BenchmarkId::new("procspawn_pool", name), |b| {
        let pool = procspawn_pool.get_or_insert_with(|| start_procspawn_pool(cores));
        b.iter(|| on_procspawn(pool, &CPU_TASKS))
    });
    group.finish();
    if let Some(pool) = procspawn_pool {
        pool.shutdown();
    }
}

fn roundtrip(c: &mut Criterion) {
    let cores = cores();
    let tiny = vec![1_u64; TINY_TASKS];
    // The pools start when their benchmark first runs, so a filter can skip them.
    let mut process_pool = None;
    let mut procspawn_pool = None;
    let mut group = c.benchmark_group("roundtrip");
    group.throughput(Throughput::Elements(TINY_TASKS as u64));
    let name = "64_tiny_tasks";
    group.bench_function(BenchmarkId::new("threads", name), |b| {
        b.iter(|| on_threads(&tiny, cores, sum_of_squares))
    });
    group.bench_function(BenchmarkId::new("rayon", name), |b| {
        b.iter(|| {
            tiny.par_iter()
                .map(|&n| sum_of_squares(n))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function(BenchmarkId::new("process_pool", name), |b| {
        let pool = process_pool.get_or_insert_with(|| start_process_pool(cores));
        b.iter(|| on_process_pool(pool, &tiny))
    });
    group.bench_function(BenchmarkId::new("procspawn_pool", name), |b| {
        let pool = procspawn_pool.get_or_insert_with(|| start_procspawn_pool(cores));
        b.iter(|| on_procspawn(pool, &tiny))
    });
    group.finish();
    if let Some(pool) = procspawn_pool {
        pool.shutdown();
    }
}

fn pipe(c: &mut Criterion) {
    let input = vec![7_u8; 1 << 20];
    let mut group = c.benchmark_group("pipe");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("pipe_through_cat_1MiB", |b| {
        b.iter(|| pipe_through(child().arg("cat"), &input).expect("pipe through `child cat`"))
    });
    group.finish();
}

criterion_group!(benches, spawn, cpu, roundtrip, pipe);

// Like `criterion_main!(benches)`, except that `procspawn::init()` must run first: a process
// that procspawn starts is this same program, and `init` is where it takes over.
fn main() {
    procspawn::init();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
