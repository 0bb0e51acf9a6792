//! Benchmarks for Exercises 8.2 and 8.3: your one-shot channels against `tokio::sync::oneshot`
//! and a `crossbeam_channel::bounded(1)`.
//!
//! - `same_thread/*` — make a channel, send, receive, drop, 1000 times on one thread: the cost of
//!   the channel itself (allocation, atomics), with nobody ever waiting.
//! - `across_threads/*` — a helper thread sends on 1000 channels made beforehand, in order, while
//!   this thread receives from each in turn: the receiver often arrives first and must wait, so
//!   this measures waiting and waking too (including one thread start per iteration).
//!
//! Your channels' benchmarks panic until the exercises are done; `tokio` and `crossbeam` run
//! already, e.g. `cargo bench -p lab-primitives --bench channels -- tokio`.

use std::hint::black_box;
use std::thread;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lab_primitives::channel;
use lab_primitives::oneshot::OneShot;

const MESSAGES: u64 = 1_000;

fn same_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("same_thread");
    group.throughput(Throughput::Elements(MESSAGES));
    group.bench_function("lab_oneshot", |b| {
        b.iter(|| {
            for i in 0..MESSAGES {
                let channel = OneShot::new();
                channel.send(black_box(i));
                black_box(channel.receive());
            }
        })
    });
    group.bench_function("lab_channel", |b| {
        b.iter(|| {
            for i in 0..MESSAGES {
                let (sender, receiver) = channel::channel();
                sender.send(black_box(i));
                black_box(receiver.recv().unwrap());
            }
        })
    });
    group.bench_function("tokio_oneshot", |b| {
        b.iter(|| {
            for i in 0..MESSAGES {
                let (sender, mut receiver) = tokio::sync::oneshot::channel();
                sender.send(black_box(i)).unwrap();
                black_box(receiver.try_recv().unwrap());
            }
        })
    });
    group.bench_function("crossbeam_bounded_1", |b| {
        b.iter(|| {
            for i in 0..MESSAGES {
                let (sender, receiver) = crossbeam::channel::bounded(1);
                sender.send(black_box(i)).unwrap();
                black_box(receiver.recv().unwrap());
            }
        })
    });
    group.finish();
}

/// Makes `MESSAGES` channels with `make`, sends on all of them from a helper thread with
/// `send`, and receives on each in turn here with `recv`.
fn hand_over<S: Send, R>(
    make: impl Fn() -> (S, R),
    send: impl Fn(S, u64) + Send + Sync,
    recv: impl Fn(R) -> u64,
) {
    let (senders, receivers): (Vec<S>, Vec<R>) = (0..MESSAGES).map(|_| make()).unzip();
    thread::scope(|s| {
        s.spawn(|| {
            for (i, sender) in senders.into_iter().enumerate() {
                send(sender, i as u64);
            }
        });
        for receiver in receivers {
            black_box(recv(receiver));
        }
    });
}

fn across_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("across_threads");
    group.throughput(Throughput::Elements(MESSAGES));
    group.bench_function("lab_channel", |b| {
        b.iter(|| {
            hand_over(
                channel::channel,
                |sender, i| sender.send(i),
                |receiver| receiver.recv().unwrap(),
            )
        })
    });
    group.bench_function("tokio_oneshot", |b| {
        b.iter(|| {
            hand_over(
                tokio::sync::oneshot::channel,
                |sender, i| sender.send(i).unwrap(),
                |receiver| receiver.blocking_recv().unwrap(),
            )
        })
    });
    group.bench_function("crossbeam_bounded_1", |b| {
        b.iter(|| {
            hand_over(
                || crossbeam::channel::bounded(1),
                |sender, i| sender.send(i).unwrap(),
                |receiver| receiver.recv().unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, same_thread, across_threads);
criterion_main!(benches);
