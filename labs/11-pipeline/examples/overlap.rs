//! The overlap measured: how long 64 URLs take fetched and computed in two phases, through the
//! pipeline, and through the futures crate's `buffered`, with each stage alone taking about the
//! same time. Prints a Markdown table.
//!
//! The transform is calibrated to about 10 ms of CPU per body, and 2 workers compute: on an idle
//! machine with 2 free cores, computing alone takes about 64 / 2 × 10 ms = 320 ms. The program
//! measures how long it really takes here and now (on a busy machine, longer), and gives the
//! server the latency that makes fetching alone, 4 at a time, take as long: 64 / 4 × latency.
//! Done one after the other, the two stages take twice that; overlapped by the pipeline, a little
//! over once.
//!
//! Run it once your pipeline works (Exercises 11.1 to 11.5):
//! `cargo run --release -p lab-pipeline --example overlap`.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lab_pipeline::baseline::{buffered_pipeline, fetch_then_compute};
use lab_pipeline::config::Config;
use lab_pipeline::http::HttpClient;
use lab_pipeline::item::{Done, ItemError, Work};
use lab_pipeline::outcome::work_for;
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::body_for;
use lab_pipeline::server::Server;
use lab_pipeline::transform::{Summary, Transform, calibrate, summarise};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;
use tokio_util::sync::CancellationToken;

const ITEMS: usize = 64;
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
    let sample = body_for("/item/0");
    let rounds = calibrate(sample.as_bytes(), CPU_PER_ITEM);
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, rounds));
    let work = work_for(Arc::clone(&transform));
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(CPU_WORKERS)
            .build()
            .expect("a pool"),
    );
    let bodies: Vec<Vec<u8>> = (0..ITEMS)
        .map(|i| body_for(&format!("/item/{i}")).into_bytes())
        .collect();
    let compute_only = median(|| {
        pool.install(|| bodies.par_iter().map(|body| work(Ok(body.clone()))).count());
    });
    // The latency that makes fetching alone take as long as computing alone.
    let latency = compute_only * IN_FLIGHT as u32 / ITEMS as u32;
    let server = runtime.block_on(Server::start(latency))?;
    let urls: Vec<String> = (0..ITEMS)
        .map(|i| server.url(&format!("/item/{i}")))
        .collect();
    // For "fetching only": the work does nothing with the body.
    let nothing: Work = Arc::new(|body| {
        body.map(|_| Summary {
            words: 0,
            distinct: 0,
            checksum: 0,
        })
        .map_err(ItemError::Fetch)
    });
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
    let buffered = |k| {
        median(|| {
            let outcomes = runtime.block_on(buffered_pipeline(
                &urls,
                Arc::clone(&fetcher),
                &transform,
                k,
            ));
            assert!(outcomes.iter().all(Result::is_ok));
        })
    };
    let (buffered_4, buffered_6) = (buffered(4), buffered(6));

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {ITEMS} URLs, {IN_FLIGHT} in flight, {:.1} ms of latency; {CPU_WORKERS} CPU workers, \
         the transform calibrated to {} ms of CPU per body | time |",
        ms(latency),
        CPU_PER_ITEM.as_millis()
    );
    println!("| --- | ---: |");
    println!("| fetching only | {:.0} ms |", ms(fetch_only));
    println!("| computing only | {:.0} ms |", ms(compute_only));
    println!(
        "| fetch then compute (two phases, `baseline::fetch_then_compute`) | {:.0} ms |",
        ms(two_phases)
    );
    println!(
        "| the pipeline (`run`, K = 4, N = 2) | {:.0} ms |",
        ms(pipeline)
    );
    println!(
        "| `buffered(4)` + `spawn_blocking` (`baseline::buffered_pipeline`) | {:.0} ms |",
        ms(buffered_4)
    );
    println!(
        "| `buffered(6)` + `spawn_blocking` | {:.0} ms |",
        ms(buffered_6)
    );
    println!();
    println!(
        "Medians of {RUNS} runs. Two phases / pipeline = **{:.2}** (the ideal, with both stages \
         equal, is 2).",
        two_phases.as_secs_f64() / pipeline.as_secs_f64()
    );
    Ok(())
}
