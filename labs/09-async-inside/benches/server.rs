//! Your server (Exercises 9.8–9.11) against itself with one lock held across an `.await`
//! (`Config::lock_across_await`): 64 clients at once on loopback, 10 requests each, every reply
//! after 1 ms of (simulated) backend latency. Criterion times the whole batch of 640 requests;
//! `examples/load.rs` prints the throughput and the 50th and 99th percentile latencies.
//!
//! `cargo bench -p lab-async-inside --bench server -- --warm-up-time 1`

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use lab_async_inside::load::run_clients;
use lab_async_inside::server::Server;
use lab_async_inside::state::Config;

const CLIENTS: usize = 64;
const REQUESTS: usize = 10;

fn server(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a multi-threaded runtime");
    let mut group = c.benchmark_group("64 clients x 10 requests, 1 ms latency");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for (name, lock_across_await) in [("your server", false), ("lock held across await", true)] {
        let server = runtime
            .block_on(Server::start(Config {
                latency: Duration::from_millis(1),
                lock_across_await,
                ..Config::default()
            }))
            .expect("the server starts");
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let start = Instant::now();
                for _ in 0..iterations {
                    runtime
                        .block_on(run_clients(server.addr(), CLIENTS, REQUESTS))
                        .expect("every request is answered");
                }
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, server);
criterion_main!(benches);
