//! Benchmarks for lab 03: moving `u64`s through a bounded queue of capacity 64.
//!
//! Workload: contention. Each iteration sends `ITEMS` items from 1 or 2 producer threads to one
//! consumer; the work per item is nothing, so the figure is the cost of the queue itself —
//! locking, waking sleeping threads, moving data between cores.
//!
//! - `queue/bounded_queue/*`: the lab's `BoundedQueue` (Exercises 3.1 and 3.2: until they are
//!   done, this benchmark panics at `todo!()`);
//! - `queue/std_sync_channel/*`: `std::sync::mpsc::sync_channel`;
//! - `queue/crossbeam_bounded/*`: `crossbeam_channel::bounded`.
//!
//! Run `cargo bench -p lab-sync -- std_sync_channel crossbeam` for the two others alone.

use std::hint::black_box;
use std::sync::mpsc;
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_sync::queue::BoundedQueue;

const CAPACITY: usize = 64;
const ITEMS: u64 = 20_000;
const PRODUCERS: [u64; 2] = [1, 2];

/// Splits `0..ITEMS` between `producers` and returns the range of producer `p`.
fn share(p: u64, producers: u64) -> std::ops::Range<u64> {
    let per = ITEMS / producers;
    p * per..(p + 1) * per
}

fn bounded_queue(producers: u64) -> u64 {
    let queue = BoundedQueue::new(CAPACITY);
    thread::scope(|s| {
        for p in 0..producers {
            let queue = &queue;
            s.spawn(move || {
                for item in share(p, producers) {
                    queue
                        .push(item)
                        .expect("the queue closes only after the producers");
                }
            });
        }
        let mut sum = 0;
        for _ in 0..ITEMS {
            sum += queue.pop().expect("the queue is open");
        }
        sum
    })
}

fn std_sync_channel(producers: u64) -> u64 {
    let (tx, rx) = mpsc::sync_channel(CAPACITY);
    thread::scope(|s| {
        for p in 0..producers {
            let tx = tx.clone();
            s.spawn(move || {
                for item in share(p, producers) {
                    tx.send(item).expect("the receiver lives until the end");
                }
            });
        }
        drop(tx);
        rx.iter().sum()
    })
}

fn crossbeam_bounded(producers: u64) -> u64 {
    let (tx, rx) = crossbeam_channel::bounded(CAPACITY);
    thread::scope(|s| {
        for p in 0..producers {
            let tx = tx.clone();
            s.spawn(move || {
                for item in share(p, producers) {
                    tx.send(item).expect("the receiver lives until the end");
                }
            });
        }
        drop(tx);
        rx.iter().sum()
    })
}

/// One way of moving `ITEMS` items from `producers` threads to one consumer; returns their sum.
type Contender = fn(producers: u64) -> u64;

fn queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue");
    group.throughput(Throughput::Elements(ITEMS));
    let contenders: [(&str, Contender); 3] = [
        ("bounded_queue", bounded_queue),
        ("std_sync_channel", std_sync_channel),
        ("crossbeam_bounded", crossbeam_bounded),
    ];
    for producers in PRODUCERS {
        for (name, run) in contenders {
            group.bench_with_input(BenchmarkId::new(name, producers), &producers, |b, &p| {
                b.iter(|| run(black_box(p)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, queues);
criterion_main!(benches);
