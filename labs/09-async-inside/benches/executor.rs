//! Your executor (Exercises 9.3 and 9.4) against tokio's current-thread runtime: 10,000 tasks that
//! each yield three times, spawned and run to completion on one thread.
//!
//! `cargo bench -p lab-async-inside --bench executor -- --warm-up-time 1`

use criterion::{Criterion, criterion_group, criterion_main};
use lab_async_inside::executor::{Executor, yield_now};

const TASKS: usize = 10_000;
const YIELDS: usize = 3;

fn tasks(c: &mut Criterion) {
    let mut group = c.benchmark_group("10000 tasks x 3 yields");
    group.sample_size(20);

    // ANCHOR: yours
    group.bench_function("your executor", |b| {
        b.iter(|| {
            let executor = Executor::new();
            for _ in 0..TASKS {
                executor.spawn(async {
                    for _ in 0..YIELDS {
                        yield_now().await;
                    }
                });
            }
            executor.run();
        })
    });
    // ANCHOR_END: yours

    // ANCHOR: tokio
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    group.bench_function("tokio current_thread", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("the task panicked");
                }
            })
        })
    });
    // ANCHOR_END: tokio
    group.finish();
}

criterion_group!(benches, tasks);
criterion_main!(benches);
