//! Benchmarks for lab 01.
//!
//! - `sum/*`: CPU-bound work (adding up `u64`s already in memory, no I/O): a plain loop on one
//!   thread, the lab's `parallel_sum` (Exercise 1.2) on one scoped thread per core, and rayon.
//!   Adding is so cheap that the large sizes are limited by memory bandwidth.
//! - `heavy/*`: CPU-bound work with real computation per item (`mix`), the same three ways
//!   (the lab's version through `chunked_map`).
//! - `spawn/*`: the fixed cost of starting a thread and waiting for it, with `thread::spawn` and
//!   with `thread::scope`.
//!
//! `parallel_sum` and `chunked_map` are your code: until Exercise 1.2 is done their `todo!()`
//! panics, and so do the `sum` and `heavy` benchmarks. `cargo bench -p lab-threads -- spawn`
//! runs the rest.

use std::hint::black_box;
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_threads::chunks::{chunked_map, parallel_sum};
use rayon::prelude::*;

/// Input sizes for the sums: fits in L1, fits in L2/L3, larger than most caches.
const SIZES: [usize; 3] = [1_000, 100_000, 4_000_000];

fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn sum(c: &mut Criterion) {
    let threads = threads();
    let mut group = c.benchmark_group("sum");
    for size in SIZES {
        let items: Vec<u64> = (0..size as u64).collect();
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::new("sequential", size), &items, |b, items| {
            b.iter(|| black_box(items).iter().sum::<u64>())
        });
        group.bench_with_input(
            BenchmarkId::new("scoped_threads", size),
            &items,
            |b, items| b.iter(|| parallel_sum(black_box(items), threads)),
        );
        group.bench_with_input(BenchmarkId::new("rayon", size), &items, |b, items| {
            b.iter(|| black_box(items).par_iter().sum::<u64>())
        });
    }
    group.finish();
}

/// A deliberately expensive function of one number (64 rounds of multiply and xor-shift), so
/// that the work per item, not reading memory, dominates.
fn mix(mut x: u64) -> u64 {
    for _ in 0..64 {
        x = (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    x
}

fn mix_chunk(chunk: &[u64]) -> u64 {
    chunk.iter().map(|&x| mix(x)).fold(0, u64::wrapping_add)
}

fn heavy(c: &mut Criterion) {
    let threads = threads();
    let mut group = c.benchmark_group("heavy");
    let size = 100_000;
    let items: Vec<u64> = (0..size as u64).collect();
    group.throughput(Throughput::Elements(size as u64));
    group.bench_with_input(BenchmarkId::new("sequential", size), &items, |b, items| {
        b.iter(|| mix_chunk(black_box(items)))
    });
    group.bench_with_input(
        BenchmarkId::new("scoped_threads", size),
        &items,
        |b, items| {
            b.iter(|| {
                chunked_map(black_box(items), threads, mix_chunk)
                    .into_iter()
                    .fold(0, u64::wrapping_add)
            })
        },
    );
    group.bench_with_input(BenchmarkId::new("rayon", size), &items, |b, items| {
        b.iter(|| {
            black_box(items)
                .par_iter()
                .map(|&x| mix(x))
                .reduce(|| 0, u64::wrapping_add)
        })
    });
    group.finish();
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    group.bench_function("thread_spawn_join", |b| {
        b.iter(|| thread::spawn(|| black_box(1_u64)).join())
    });
    group.bench_function("thread_scope_one_thread", |b| {
        b.iter(|| thread::scope(|s| s.spawn(|| black_box(1_u64)).join()))
    });
    group.finish();
}

criterion_group!(benches, spawn, sum, heavy);
criterion_main!(benches);
