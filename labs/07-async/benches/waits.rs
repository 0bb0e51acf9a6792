//! Many concurrent waits: N tasks or N threads that each wait 10 ms, all at the same time.
//!
//! Workload: spawn cost. Waiting itself costs nothing (no core is used while a thread sleeps or
//! a task is parked), so the difference between the rows is what it costs to create, schedule
//! and clean up N threads against N tasks. For the memory side, run the example instead:
//! `cargo run --release -p lab-async --example waits_memory -- threads 10000` (and `tasks`).
//!
//! No lab code here: it measures tokio and std themselves, so it runs before any exercise.

use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tokio::runtime::Builder;
use tokio::task::JoinSet;

const WAIT: Duration = Duration::from_millis(10);
const COUNTS: [usize; 2] = [1_000, 10_000];

fn waits(c: &mut Criterion) {
    let runtime = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime for the benchmark");
    let mut group = c.benchmark_group("waits_10ms");
    group.sample_size(10);
    for count in COUNTS {
        group.bench_with_input(BenchmarkId::new("tokio_tasks", count), &count, |b, &n| {
            b.iter(|| {
                runtime.block_on(async {
                    let mut tasks = JoinSet::new();
                    for _ in 0..n {
                        tasks.spawn(tokio::time::sleep(WAIT));
                    }
                    tasks.join_all().await;
                })
            })
        });
        group.bench_with_input(BenchmarkId::new("os_threads", count), &count, |b, &n| {
            b.iter(|| {
                thread::scope(|s| {
                    for _ in 0..n {
                        s.spawn(|| thread::sleep(WAIT));
                    }
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, waits);
criterion_main!(benches);
