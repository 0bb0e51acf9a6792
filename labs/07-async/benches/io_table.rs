//! The I/O table: 100 requests to the lab's server, each answered after 50 ms.
//!
//! Workload: I/O-bound. The client does almost no computing; nearly all the time is spent
//! waiting for answers, so what matters is how many requests wait *at the same time*:
//!
//! - `sequential_blocking`: one after another on one thread (about 100 × 50 ms = 5 s);
//! - `thread_per_request`: 100 threads, each blocked on one request;
//! - `pool_of_8_threads`: 8 threads taking turns, so 13 rounds of 50 ms;
//! - `async_unbounded`: the lab's `fetch_all` (Exercise 7.2), 100 tasks on one thread;
//! - `async_bounded_10`: the lab's `fetch_bounded` with a limit of 10 (Exercise 7.3), one thread.
//!
//! The server runs on its own multi-threaded runtime; the async clients on a current-thread
//! runtime, so every async row uses a single client thread. Until Exercises 7.1–7.3 are done the
//! async rows panic at their `todo!()`; `cargo bench -p lab-async --bench io_table -- thread`
//! runs the thread rows. The sequential row alone takes about a minute (ten samples of 5 s).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lab_async::bounded::fetch_bounded;
use lab_async::concurrent::fetch_all;
use lab_async::server::Server;
use lab_async::threaded::{
    fetch_sequential_blocking, fetch_thread_per_request, fetch_with_thread_pool,
};
use tokio::runtime::{Builder, Runtime};

const REQUESTS: usize = 100;
const LATENCY: Duration = Duration::from_millis(50);

fn runtime(threaded: bool) -> Runtime {
    let mut builder = if threaded {
        Builder::new_multi_thread()
    } else {
        Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .expect("a Tokio runtime for the benchmark")
}

fn io_table(c: &mut Criterion) {
    let server_runtime = runtime(true);
    let server = server_runtime
        .block_on(Server::start(LATENCY))
        .expect("the lab's server starts");
    let addr = server.addr();
    let client = runtime(false);
    let owned: Vec<String> = (0..REQUESTS).map(|i| format!("/file/{i}")).collect();
    let paths: Vec<&str> = owned.iter().map(String::as_str).collect();

    let mut group = c.benchmark_group("io_table_100x50ms");
    group.sample_size(10);
    group.bench_function("sequential_blocking", |b| {
        b.iter(|| fetch_sequential_blocking(addr, black_box(&paths)))
    });
    group.bench_function("thread_per_request", |b| {
        b.iter(|| fetch_thread_per_request(addr, black_box(&paths)))
    });
    group.bench_function("pool_of_8_threads", |b| {
        b.iter(|| fetch_with_thread_pool(addr, black_box(&paths), 8))
    });
    group.bench_function("async_unbounded", |b| {
        b.iter(|| client.block_on(fetch_all(addr, black_box(&paths))))
    });
    group.bench_function("async_bounded_10", |b| {
        b.iter(|| client.block_on(fetch_bounded(addr, black_box(&paths), 10)))
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, io_table);
criterion_main!(benches);
