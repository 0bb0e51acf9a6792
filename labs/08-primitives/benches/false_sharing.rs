//! False sharing: two threads that never touch each other's data, but whose counters sit in the
//! same cache line, still slow each other down.
//!
//! - `adjacent` — two `AtomicU64`s side by side (16 bytes, one 64-byte cache line): each thread
//!   increments its own, 1 000 000 times.
//! - `padded` — the same, with each counter in a `crossbeam::utils::CachePadded` (its own cache
//!   line, 128 bytes on x86-64 to cover the prefetcher's pairs of lines).
//! - `one_thread` — one thread doing one counter's share, for reference.
//!
//! Each iteration starts two scoped threads (tens of microseconds, small next to the work).
//! Run with `cargo bench -p lab-primitives --bench false_sharing`. This benchmark does not use
//! your code.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossbeam::utils::CachePadded;

const PER_THREAD: u64 = 1_000_000;

fn hammer(counter: &AtomicU64) {
    for _ in 0..PER_THREAD {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

fn false_sharing(c: &mut Criterion) {
    let mut group = c.benchmark_group("false_sharing");
    group.throughput(Throughput::Elements(2 * PER_THREAD));
    group.sample_size(20);
    group.bench_function("adjacent", |b| {
        b.iter(|| {
            let counters = [AtomicU64::new(0), AtomicU64::new(0)];
            thread::scope(|s| {
                for counter in &counters {
                    s.spawn(|| hammer(counter));
                }
            });
            black_box(counters)
        })
    });
    group.bench_function("padded", |b| {
        b.iter(|| {
            let counters = [
                CachePadded::new(AtomicU64::new(0)),
                CachePadded::new(AtomicU64::new(0)),
            ];
            thread::scope(|s| {
                for counter in &counters {
                    s.spawn(|| hammer(counter));
                }
            });
            black_box(counters)
        })
    });
    group.throughput(Throughput::Elements(PER_THREAD));
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            let counter = AtomicU64::new(0);
            hammer(&counter);
            black_box(counter)
        })
    });
    group.finish();
}

criterion_group!(benches, false_sharing);
criterion_main!(benches);
