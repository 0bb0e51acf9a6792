//! The overlap measured: how long 64 URLs take fetched and computed in two phases, and through
//! the pipeline, with each stage alone taking about the same time.
//!
//! The server answers each request after 20 ms and the fetch stage keeps 4 in flight, so fetching
//! alone takes about 64 / 4 × 20 ms = 320 ms. The transform is calibrated to about 10 ms of CPU
//! per body and 2 workers compute, so computing alone takes about 64 / 2 × 10 ms = 320 ms too.
//! Done one after the other: about 640 ms. Overlapped by the pipeline: a little over 320 ms.
//!
//! Run it once your pipeline works (Exercises 11.1 to 11.5):
//! `cargo run --release -p lab-pipeline --example overlap`.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lab_pipeline::baseline::fetch_then_compute;
use lab_pipeline::config::Config;
use lab_pipeline::http::HttpClient;
use lab_pipeline::item::{Done, ItemError, Work};
use lab_pipeline::outcome::work_for;
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::{body_for, path_of};
use lab_pipeline::server::Server;
use lab_pipeline::transform::{Summary, Transform, calibrate, summarise};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;
use tokio_util::sync::CancellationToken;

const ITEMS: usize = 64;
const LATENCY: Duration = Duration::from_millis(20);
const IN_FLIGHT: usize = 4;
const CPU_WORKERS: usize = 2;
const CPU_PER_ITEM: Duration = Duration::from_millis(10);
const RUNS: usize = 7;

/// The median of `RUNS` timings of `f`.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let server = runtime.block_on(Server::start(LATENCY))?;
    let urls: Vec<String> = (0..ITEMS)
        .map(|i| server.url(&format!("/item/{i}")))
        .collect();
    let sample = body_for("/item/0");
    let rounds = calibrate(sample.as_bytes(), CPU_PER_ITEM);
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, rounds));
    let work = work_for(transform);
    // For "fetching only": the work does nothing with the body.
    let nothing: Work = Arc::new(|body| {
        body.map(|_| Summary {
            words: 0,
            distinct: 0,
            checksum: 0,
        })
        .map_err(ItemError::Fetch)
    });
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(CPU_WORKERS)
            .build()
            .expect("a pool"),
    );
    let fetcher = Arc::new(HttpClient);

    let fetch_only = median(|| {
        fetch_then_compute(
            &runtime,
            &urls,
            Arc::clone(&fetcher),
            IN_FLIGHT,
            &nothing,
            &pool,
        );
    });
    let bodies: Vec<Vec<u8>> = urls
        .iter()
        .map(|url| body_for(path_of(url)).into_bytes())
        .collect();
    let compute_only = median(|| {
        pool.install(|| bodies.par_iter().map(|body| work(Ok(body.clone()))).count());
    });
    let two_phases = median(|| {
        fetch_then_compute(
            &runtime,
            &urls,
            Arc::clone(&fetcher),
            IN_FLIGHT,
            &work,
            &pool,
        );
    });
    let pipeline = median(|| {
        let stages = Stages {
            fetcher: Arc::clone(&fetcher),
            work: Arc::clone(&work),
            pool: Arc::clone(&pool),
            config: Config::new(IN_FLIGHT, CPU_WORKERS),
        };
        let report = runtime
            .block_on(run(
                urls.clone(),
                stages,
                &mut io::sink(),
                &mut |_: &Done| {},
                CancellationToken::new(),
            ))
            .expect("writing to a sink does not fail");
        assert_eq!(report.ok, ITEMS);
    });

    println!(
        "{ITEMS} URLs, {} ms latency, {IN_FLIGHT} in flight; about {} ms of CPU per body, \
         {CPU_WORKERS} workers; median of {RUNS} runs",
        LATENCY.as_millis(),
        CPU_PER_ITEM.as_millis()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| run | time |");
    println!("| --- | ---: |");
    println!("| fetching only | {:.0} ms |", ms(fetch_only));
    println!("| computing only | {:.0} ms |", ms(compute_only));
    println!(
        "| fetch then compute (two phases) | {:.0} ms |",
        ms(two_phases)
    );
    println!("| the pipeline | {:.0} ms |", ms(pipeline));
    println!(
        "two phases / pipeline = {:.2} (the ideal, with both stages equal, is 2)",
        two_phases.as_secs_f64() / pipeline.as_secs_f64()
    );
    Ok(())
}
