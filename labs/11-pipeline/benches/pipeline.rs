//! Benchmarks of the pipeline against the lab's real server (on loopback, with a fixed latency)
//! and a transform calibrated to a fixed CPU cost per body. The workload is mixed: I/O-bound in
//! the fetch stage, CPU-bound in the CPU stage.
//!
//! - `overlap`: two phases (every fetch, then every computation) against the pipeline, with the
//!   two stages balanced: about 10 ms of CPU per body on 2 workers, and the latency that makes
//!   fetching 4 at a time take as long as computing did when measured just before.
//! - `bottleneck`: the pipeline with K (fetches in flight) and N (CPU workers) varied, 10 ms of
//!   latency and about 4 ms of CPU per body: Little's law says which stage limits the rate.
//! - `professional`: the pipeline against what one might write with the futures crate, a
//!   `buffered(K)` stream of fetch-then-`spawn_blocking` futures, at the balanced setting.
//!
//! Each group prints to stderr what it measured before it starts: the CPU time the bodies really
//! took, which on a busy machine is more than the calibration aimed at.
//!
//! Run it once your pipeline works: `cargo bench -p lab-pipeline -- --warm-up-time 1`.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_pipeline::baseline::{buffered_pipeline, fetch_then_compute};
use lab_pipeline::config::Config;
use lab_pipeline::http::HttpClient;
use lab_pipeline::item::{Done, Work};
use lab_pipeline::outcome::work_for;
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::body_for;
use lab_pipeline::server::Server;
use lab_pipeline::transform::{Transform, calibrate, summarise};
use rayon::{ThreadPool, ThreadPoolBuilder};
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

/// A server with `latency`, `items` URLs on it, and the runtime it runs on.
struct Setup {
    runtime: Runtime,
    _server: Server,
    urls: Vec<String>,
}

fn setup(latency: Duration, items: usize) -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime
        .block_on(Server::start(latency))
        .expect("the server starts");
    let urls = (0..items)
        .map(|i| server.url(&format!("/item/{i}")))
        .collect();
    Setup {
        runtime,
        _server: server,
        urls,
    }
}

/// The work of the CPU stage: about `cost` of CPU per body.
fn work_costing(cost: Duration) -> (Work, Arc<Transform>) {
    let rounds = calibrate(body_for("/item/0").as_bytes(), cost);
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, rounds));
    (work_for(Arc::clone(&transform)), transform)
}

fn pool(threads: usize) -> Arc<ThreadPool> {
    Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool"),
    )
}

/// How long `work` takes on `items` bodies on `pool`, measured (the median of three).
fn compute_only(work: &Work, pool: &ThreadPool, items: usize) -> Duration {
    use rayon::prelude::*;
    let bodies: Vec<Vec<u8>> = (0..items)
        .map(|i| body_for(&format!("/item/{i}")).into_bytes())
        .collect();
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let start = std::time::Instant::now();
            pool.install(|| bodies.par_iter().map(|b| work(Ok(b.clone()))).count());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[1]
}

/// A setup whose fetching, `k` at a time, takes as long as computing `items` bodies on `pool`.
fn balanced(work: &Work, pool: &ThreadPool, items: usize, k: usize, group: &str) -> Setup {
    let computing = compute_only(work, pool, items);
    let latency = computing * k as u32 / items as u32;
    eprintln!(
        "{group}: computing {items} bodies alone took {:.0} ms; latency {:.1} ms, so that \
         fetching {k} at a time takes as long",
        computing.as_secs_f64() * 1000.0,
        latency.as_secs_f64() * 1000.0
    );
    setup(latency, items)
}

fn run_pipeline(setup: &Setup, work: &Work, pool: &Arc<ThreadPool>, k: usize, n: usize) {
    let stages = Stages {
        fetcher: Arc::new(HttpClient),
        work: Arc::clone(work),
        pool: Arc::clone(pool),
        config: Config::new(k, n),
    };
    let report = setup
        .runtime
        .block_on(run(
            setup.urls.clone(),
            stages,
            &mut io::sink(),
            &mut |_: &Done| {},
            CancellationToken::new(),
        ))
        .expect("a sink does not fail");
    assert_eq!(report.ok, setup.urls.len());
}

fn overlap(c: &mut Criterion) {
    let (work, _) = work_costing(Duration::from_millis(10));
    let pool = pool(2);
    let setup = balanced(&work, &pool, 64, 4, "overlap");
    let mut group = c.benchmark_group("overlap");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(setup.urls.len() as u64));
    group.bench_function("two phases", |b| {
        b.iter(|| {
            fetch_then_compute(
                &setup.runtime,
                &setup.urls,
                Arc::new(HttpClient),
                4,
                &work,
                &pool,
            )
        })
    });
    group.bench_function("pipeline", |b| {
        b.iter(|| run_pipeline(&setup, &work, &pool, 4, 2))
    });
    group.finish();
}

fn bottleneck(c: &mut Criterion) {
    let setup = setup(Duration::from_millis(10), 48);
    let (work, _) = work_costing(Duration::from_millis(4));
    for n in [1, 2] {
        let computing = compute_only(&work, &pool(n), 48);
        eprintln!(
            "bottleneck: 48 bodies on {n} worker(s) took {:.0} ms alone ({:.1} ms per body and \
             worker); 10 ms of latency",
            computing.as_secs_f64() * 1000.0,
            computing.as_secs_f64() * 1000.0 * n as f64 / 48.0
        );
    }
    let mut group = c.benchmark_group("bottleneck");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(setup.urls.len() as u64));
    for n in [1, 2] {
        let pool = pool(n);
        for k in [1, 2, 4, 8] {
            group.bench_with_input(
                BenchmarkId::new(format!("N={n}"), format!("K={k}")),
                &k,
                |b, &k| b.iter(|| run_pipeline(&setup, &work, &pool, k, n)),
            );
        }
    }
    group.finish();
}

fn professional(c: &mut Criterion) {
    let (work, transform) = work_costing(Duration::from_millis(10));
    let pool = pool(2);
    let setup = balanced(&work, &pool, 64, 4, "professional");
    let mut group = c.benchmark_group("professional");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(setup.urls.len() as u64));
    group.bench_function("pipeline K=4 N=2", |b| {
        b.iter(|| run_pipeline(&setup, &work, &pool, 4, 2))
    });
    for k in [4, 6] {
        group.bench_function(format!("buffered({k}) + spawn_blocking"), |b| {
            b.iter(|| {
                let outcomes = setup.runtime.block_on(buffered_pipeline(
                    &setup.urls,
                    Arc::new(HttpClient),
                    &transform,
                    k,
                ));
                assert!(outcomes.iter().all(Result::is_ok));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, overlap, bottleneck, professional);
criterion_main!(benches);
