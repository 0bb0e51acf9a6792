//! Benchmarks for lab 05. Each group names its kind of workload.
//!
//! - `cpu_sum/*` (CPU-bound): `0² + 1² + … + (n-1)²`, the sources' kernel, computed from the
//!   numbers themselves (no memory traffic): a plain loop on one thread
//!   (`sum_of_squares_sequential`), `sum_of_squares` (your `sum_of_terms`, Exercise 5.1) on
//!   rayon's global pool, and the lab 04 `ThreadPool` (one worker per core) mapping the same
//!   loop over one range of numbers per worker.
//! - `cpu_threads/*` (CPU-bound): the speedup curve. `sum_of_squares` of a large `n`
//!   inside rayon pools of 1, 2, 4 and 8 threads.
//! - `cpu_sort/*` (CPU-bound): the standard library's sort, your `par_merge_sort`
//!   (Exercise 5.6) and rayon's own `par_sort`, on a million random numbers; the two parallel
//!   sorts also in a rayon pool of one thread, which shows what each algorithm costs before any
//!   parallelism helps.
//! - `io_sleep/*` (I/O-bound, simulated): 8 jobs that each wait 5 ms (a stand-in for a network
//!   call) one after the other, on rayon's global pool (one thread per core), on a rayon pool
//!   of 8 threads, and on a lab 04 `ThreadPool` of 8 workers.
//! - `spawn/*` (spawn cost): the fixed cost of handing work to another thread: a `rayon::join`
//!   of two empty closures from outside and from inside a pool, a lab 04 `submit` + `join` of
//!   an empty job, and a `thread::spawn` + `join`.
//!
//! Your functions (of this lab and of lab 04) `todo!()` until you write them, and the
//! benchmarks that call them panic until then. Filter to run only some, for example
//! `cargo bench -p lab-rayon -- rayon_join`.

use std::hint::black_box;
use std::ops::Range;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_pools::ThreadPool as Lab04Pool;
use lab_rayon::sort::par_merge_sort;
use lab_rayon::squares::{square, sum_of_squares, sum_of_squares_sequential};
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Sizes for the sum: tiny (splitting costs more than it saves), medium, large.
const SIZES: [u64; 3] = [1_000, 100_000, 10_000_000];
/// The size of the speedup curve.
const LARGE: u64 = 10_000_000;

fn pool(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("could not start a rayon pool")
}

fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn lab04_pool(workers: usize) -> Lab04Pool {
    Lab04Pool::new(workers).expect("could not start the lab 04 pool")
}

/// `0..n` cut into `parts` ranges of nearly equal length.
fn ranges(n: u64, parts: u64) -> Vec<Range<u64>> {
    (0..parts)
        .map(|part| n * part / parts..n * (part + 1) / parts)
        .collect()
}

/// The sum of squares on the lab 04 pool: one job per worker, each summing one range.
fn sum_of_squares_on(pool: &Lab04Pool, n: u64) -> u128 {
    pool.map(ranges(n, pool.workers() as u64), |range| {
        range.map(square).sum::<u128>()
    })
    .into_iter()
    .sum()
}

fn cpu_sum(c: &mut Criterion) {
    let pool = lab04_pool(cores());
    let mut group = c.benchmark_group("cpu_sum");
    for n in SIZES {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::new("sequential", n), &n, |b, &n| {
            b.iter(|| sum_of_squares_sequential(black_box(n)))
        });
        group.bench_with_input(BenchmarkId::new("rayon", n), &n, |b, &n| {
            b.iter(|| sum_of_squares(black_box(n)))
        });
        group.bench_with_input(BenchmarkId::new("lab04_pool", n), &n, |b, &n| {
            b.iter(|| sum_of_squares_on(&pool, black_box(n)))
        });
    }
    group.finish();
}

fn cpu_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpu_threads");
    group.throughput(Throughput::Elements(LARGE));
    group.bench_function(BenchmarkId::new("sequential", LARGE), |b| {
        b.iter(|| sum_of_squares_sequential(black_box(LARGE)))
    });
    for threads in [1, 2, 4, 8] {
        let pool = pool(threads);
        group.bench_function(BenchmarkId::new("rayon_threads", threads), |b| {
            b.iter(|| pool.install(|| sum_of_squares(black_box(LARGE))))
        });
    }
    group.finish();
}

/// A function that sorts a slice in place.
type SortFn = fn(&mut [u64]);

fn cpu_sort(c: &mut Criterion) {
    const LEN: usize = 1_000_000;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let numbers: Vec<u64> = (0..LEN)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
        .collect();
    let mut group = c.benchmark_group("cpu_sort");
    group.throughput(Throughput::Elements(LEN as u64));
    group.sample_size(10);
    let sorts: [(&str, SortFn); 3] = [
        ("std_sort", <[u64]>::sort),
        ("par_merge_sort", par_merge_sort),
        ("rayon_par_sort", <[u64]>::par_sort),
    ];
    for (name, sort) in sorts {
        group.bench_function(BenchmarkId::new(name, LEN), |b| {
            b.iter_batched_ref(
                || numbers.clone(),
                |items| sort(items),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    let one = pool(1);
    for (name, sort) in &sorts[1..] {
        group.bench_function(BenchmarkId::new(format!("{name}_1_thread"), LEN), |b| {
            b.iter_batched_ref(
                || numbers.clone(),
                |items| one.install(|| sort(items)),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// Stands in for a network call: waits without using the CPU.
fn wait_for_io() {
    thread::sleep(Duration::from_millis(5));
}

fn io_sleep(c: &mut Criterion) {
    const JOBS: usize = 8;
    let mut group = c.benchmark_group("io_sleep");
    group.sample_size(10);
    group.bench_function("sequential", |b| {
        b.iter(|| (0..JOBS).for_each(|_| wait_for_io()))
    });
    group.bench_function("rayon_global_pool", |b| {
        b.iter(|| (0..JOBS).into_par_iter().for_each(|_| wait_for_io()))
    });
    let wide = pool(JOBS);
    group.bench_function("rayon_pool_of_8", |b| {
        b.iter(|| wide.install(|| (0..JOBS).into_par_iter().for_each(|_| wait_for_io())))
    });
    let lab04 = lab04_pool(JOBS);
    group.bench_function("lab04_pool_of_8", |b| {
        b.iter(|| lab04.map(0..JOBS, |_| wait_for_io()))
    });
    group.finish();
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    group.bench_function("rayon_join_from_outside_the_pool", |b| {
        b.iter(|| rayon::join(|| black_box(1_u64), || black_box(2_u64)))
    });
    let two = pool(2);
    group.bench_function("rayon_join_inside_the_pool", |b| {
        two.install(|| b.iter(|| rayon::join(|| black_box(1_u64), || black_box(2_u64))))
    });
    let lab04 = lab04_pool(2);
    group.bench_function("lab04_submit_join", |b| {
        b.iter(|| lab04.submit(|| black_box(1_u64)).join())
    });
    group.bench_function("thread_spawn_join", |b| {
        b.iter(|| thread::spawn(|| black_box(1_u64)).join())
    });
    group.finish();
}

criterion_group!(benches, spawn, io_sleep, cpu_sum, cpu_threads, cpu_sort);
criterion_main!(benches);
