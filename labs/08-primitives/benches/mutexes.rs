//! Benchmarks for Exercise 8.5: your `Mutex` against `std::sync::Mutex` and `parking_lot::Mutex`.
//!
//! - `uncontended/*` — **no contention**: one thread locks and unlocks 10 000 times. This is the
//!   cost of the fast path: one compare-exchange to lock, one swap to unlock, and no system call.
//!   `two_state_always_wake` is a mutex that skips the third state and so calls `wake_one` on every
//!   unlock: the difference is what the `CONTENDED` state saves.
//! - `contended/*/threads/N` — **contention**: N threads share one counter and increment it
//!   under the lock, 20 000 times each, starting together. With more threads than cores, a thread
//!   is often preempted while it holds the lock, and the others must sleep.
//!
//! Your mutex's benchmarks panic until Exercise 8.5 is done (`todo!()`); the others run already,
//! e.g. `cargo bench -p lab-primitives --bench mutexes -- std`.

use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_primitives::mutex::Mutex as LabMutex;

const UNCONTENDED: u64 = 10_000;
const PER_THREAD: u64 = 20_000;
const THREADS: [usize; 3] = [1, 2, 4];

/// What every mutex under test can do: add one to the counter it guards.
trait Counter: Sync {
    fn new() -> Self;
    fn increment(&self);
}

impl Counter for LabMutex<u64> {
    fn new() -> Self {
        LabMutex::new(0)
    }

    fn increment(&self) {
        *self.lock() += 1;
    }
}

impl Counter for std::sync::Mutex<u64> {
    fn new() -> Self {
        std::sync::Mutex::new(0)
    }

    fn increment(&self) {
        *self.lock().unwrap() += 1;
    }
}

impl Counter for parking_lot::Mutex<u64> {
    fn new() -> Self {
        parking_lot::Mutex::new(0)
    }

    fn increment(&self) {
        *self.lock() += 1;
    }
}

/// A futex mutex with only two states (unlocked, locked): it cannot tell whether anybody
/// waits, so every unlock makes the wake system call. Not your code: the baseline that shows
/// what the third state saves.
struct TwoStateAlwaysWake {
    state: AtomicU32,
    count: std::cell::UnsafeCell<u64>,
}

// SAFETY: `count` is only touched between a successful lock and the matching unlock.
unsafe impl Sync for TwoStateAlwaysWake {}

impl Counter for TwoStateAlwaysWake {
    fn new() -> Self {
        TwoStateAlwaysWake {
            state: AtomicU32::new(0),
            count: std::cell::UnsafeCell::new(0),
        }
    }

    fn increment(&self) {
        while self.state.swap(1, Ordering::Acquire) == 1 {
            atomic_wait::wait(&self.state, 1);
        }
        // SAFETY: the lock is held.
        unsafe { *self.count.get() += 1 };
        self.state.store(0, Ordering::Release);
        atomic_wait::wake_one(&self.state);
    }
}

fn uncontended_one<C: Counter>(c: &mut Criterion, name: &str) {
    let counter = C::new();
    let mut group = c.benchmark_group("uncontended");
    group.throughput(Throughput::Elements(UNCONTENDED));
    group.bench_function(name, |b| {
        b.iter(|| {
            for _ in 0..UNCONTENDED {
                black_box(&counter).increment();
            }
        })
    });
    group.finish();
}

fn contended_one<C: Counter>(c: &mut Criterion, name: &str) {
    let mut group = c.benchmark_group(format!("contended/{name}"));
    for threads in THREADS {
        group.throughput(Throughput::Elements(threads as u64 * PER_THREAD));
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &n| {
            b.iter(|| {
                let counter = C::new();
                let start = Barrier::new(n);
                thread::scope(|s| {
                    for _ in 0..n {
                        s.spawn(|| {
                            start.wait();
                            for _ in 0..PER_THREAD {
                                counter.increment();
                            }
                        });
                    }
                });
            })
        });
    }
    group.finish();
}

fn uncontended(c: &mut Criterion) {
    uncontended_one::<LabMutex<u64>>(c, "lab");
    uncontended_one::<std::sync::Mutex<u64>>(c, "std");
    uncontended_one::<parking_lot::Mutex<u64>>(c, "parking_lot");
    uncontended_one::<TwoStateAlwaysWake>(c, "two_state_always_wake");
}

fn contended(c: &mut Criterion) {
    contended_one::<LabMutex<u64>>(c, "lab");
    contended_one::<std::sync::Mutex<u64>>(c, "std");
    contended_one::<parking_lot::Mutex<u64>>(c, "parking_lot");
}

criterion_group!(benches, uncontended, contended);
criterion_main!(benches);
