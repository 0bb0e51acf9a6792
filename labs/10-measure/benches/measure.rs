//! Benchmarks for lab 10. Each group is one kind of workload:
//!
//! - `kernel/*` (CPU- and memory-bound): your `kernel_group` (Exercise 10.5), the sum of the
//!   squares of 1 000, 100 000 and 10 000 000 numbers, on one thread, on one thread per core and
//!   with rayon. It panics at its `todo!()` until you have written it:
//!   `cargo bench -p lab-measure -- speedup` runs the other group meanwhile.
//! - `speedup/*` (CPU-bound): the curves of Exercise 10.4. A computation with no memory traffic to
//!   speak of, on 1, 2, 3 and 4 threads, either all of it split among the threads
//!   (`all_parallel`) or with its first quarter done on one thread before the rest is split
//!   (`quarter_serial`).
//!
//! `cargo bench -p lab-measure` writes criterion's HTML report to
//! `target/criterion/report/index.html`.

use std::hint::black_box;
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_measure::bench_group::kernel_group;

/// The sizes of the `kernel` group.
const SIZES: [usize; 3] = [1_000, 100_000, 10_000_000];

/// Units of work in each run of the `speedup` group.
const UNITS: u64 = 4_000;
/// Rounds of arithmetic per unit: about 20 ms of work per run in all on this lab's machine.
const ROUNDS: u64 = 2_000;

fn kernel(c: &mut Criterion) {
    kernel_group(c, &SIZES);
}

/// `rounds` steps of a xorshift generator: arithmetic only, no memory traffic.
fn crunch(mut state: u64, rounds: u64) -> u64 {
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    state
}

/// Units `from..to` of work, one after another.
fn units(from: u64, to: u64) -> u64 {
    (from..to).fold(0, |acc, unit| acc ^ crunch(unit + 1, ROUNDS))
}

/// The first `serial` units on the calling thread, then the rest split among `threads` scoped
/// threads.
fn partly_serial(threads: u64, serial: u64) -> u64 {
    let head = units(0, serial);
    let rest = UNITS - serial;
    let tail = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let from = serial + rest * t / threads;
                let to = serial + rest * (t + 1) / threads;
                s.spawn(move || units(from, to))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a benchmark thread panicked"))
            .fold(0, |a, b| a ^ b)
    });
    head ^ tail
}

// ANCHOR: speedup
fn speedup(c: &mut Criterion) {
    let mut group = c.benchmark_group("speedup");
    group.throughput(Throughput::Elements(UNITS));
    for threads in 1..=4 {
        group.bench_with_input(
            BenchmarkId::new("all_parallel", threads),
            &threads,
            |b, &threads| b.iter(|| partly_serial(black_box(threads), 0)),
        );
        group.bench_with_input(
            BenchmarkId::new("quarter_serial", threads),
            &threads,
            |b, &threads| b.iter(|| partly_serial(black_box(threads), UNITS / 4)),
        );
    }
    group.finish();
}
// ANCHOR_END: speedup

criterion_group!(benches, kernel, speedup);
criterion_main!(benches);
