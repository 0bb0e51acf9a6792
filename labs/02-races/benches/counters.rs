//! Benchmarks for lab 02: one shared counter under contention.
//!
//! Workload: contention. Every thread does nothing but increment the same counter, so the cost
//! measured is that of the synchronisation itself (and of the cache line that holds the counter
//! moving between cores), not of any useful work. Each iteration starts `threads` scoped threads
//! that increment `PER_THREAD` times each, so the thread start-up cost (tens of microseconds) is
//! included but small next to the increments.
//!
//! - `mutex`: `MutexCounter` (Exercise 2.1), a `std::sync::Mutex<u64>`;
//! - `atomic`: `AtomicCounter` (Exercise 2.2), one `fetch_add`;
//! - `spin_lock`: your `SpinLock<u64>` (Exercise 2.3).
//!
//! These are your code: until the exercises are done their `todo!()`s panic, and so does
//! `cargo bench -p lab-races`. Run one counter with e.g. `cargo bench -p lab-races -- atomic`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_races::atomic_counter::AtomicCounter;
use lab_races::counter::{Counter, count_on_threads};
use lab_races::mutex_counter::MutexCounter;
use lab_races::spinlock::SpinLock;

const PER_THREAD: u64 = 50_000;
const THREADS: [usize; 3] = [1, 2, 4];

fn bench_counter<C: Counter>(c: &mut Criterion, name: &str, new: fn() -> C) {
    let mut group = c.benchmark_group(format!("contention/{name}"));
    for threads in THREADS {
        group.throughput(Throughput::Elements(threads as u64 * PER_THREAD));
        group.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| b.iter(|| count_on_threads(&new(), black_box(threads), PER_THREAD)),
        );
    }
    group.finish();
}

fn contention(c: &mut Criterion) {
    bench_counter(c, "mutex", MutexCounter::new);
    bench_counter(c, "atomic", AtomicCounter::new);
    bench_counter(c, "spin_lock", || SpinLock::new(0_u64));
}

criterion_group!(benches, contention);
criterion_main!(benches);
