//! Which stage is the bottleneck? The pipeline on 48 URLs with 10 ms of latency and a transform
//! calibrated to 4 ms of CPU per body, for K (fetches in flight) from 1 to 8 and N (CPU workers)
//! of 1 and 2, next to what Little's law predicts. Prints a Markdown table.
//!
//! The prediction: the fetch stage holds K requests for a latency each, so it delivers at most
//! K / latency bodies a second; the CPU stage holds N bodies for c seconds of CPU each, so it
//! finishes at most N / c a second; the pipeline runs at the smaller rate. The program measures c
//! first, with N workers computing alone, because on a busy machine a worker gets only a share of
//! a core.
//!
//! Run it once your pipeline works (Exercises 11.1 to 11.5):
//! `cargo run --release -p lab-pipeline --example bottleneck`.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lab_pipeline::config::Config;
use lab_pipeline::http::HttpClient;
use lab_pipeline::item::Done;
use lab_pipeline::outcome::work_for;
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::body_for;
use lab_pipeline::server::Server;
use lab_pipeline::transform::{Transform, calibrate, summarise};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;
use tokio_util::sync::CancellationToken;

const ITEMS: usize = 48;
const LATENCY: Duration = Duration::from_millis(10);
const CPU_PER_ITEM: Duration = Duration::from_millis(4);
const RUNS: usize = 5;

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
    let bodies: Vec<Vec<u8>> = (0..ITEMS)
        .map(|i| body_for(&format!("/item/{i}")).into_bytes())
        .collect();
    let rounds = calibrate(&bodies[0], CPU_PER_ITEM);
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, rounds));
    let work = work_for(transform);

    println!(
        "| N | K | fetch stage's limit, K / {} ms | CPU stage's limit, N / c (c measured) | \
         predicted | measured | the bottleneck |",
        LATENCY.as_millis()
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for n in [1, 2] {
        let pool = Arc::new(
            ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("a pool"),
        );
        let computing = median(|| {
            pool.install(|| bodies.par_iter().map(|b| work(Ok(b.clone()))).count());
        });
        // Seconds of wall time per body and worker, as the workers got it here and now.
        let c = computing.as_secs_f64() * n as f64 / ITEMS as f64;
        let cpu_limit = n as f64 / c;
        for k in [1, 2, 4, 8] {
            let fetch_limit = k as f64 / LATENCY.as_secs_f64();
            let predicted = fetch_limit.min(cpu_limit);
            let took = median(|| {
                let stages = Stages {
                    fetcher: Arc::new(HttpClient),
                    work: Arc::clone(&work),
                    pool: Arc::clone(&pool),
                    config: Config::new(k, n),
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
            let measured = ITEMS as f64 / took.as_secs_f64();
            let bottleneck = if fetch_limit < cpu_limit {
                "fetching"
            } else {
                "computing"
            };
            println!(
                "| {n} | {k} | {fetch_limit:.0}/s | {cpu_limit:.0}/s (c = {:.1} ms) | {predicted:.0}/s \
                 | {measured:.0}/s ({:.0} ms) | {bottleneck} |",
                c * 1000.0,
                took.as_secs_f64() * 1000.0
            );
        }
    }
    println!();
    println!(
        "{ITEMS} URLs; medians of {RUNS} runs; the transform calibrated to {} ms of CPU per body.",
        CPU_PER_ITEM.as_millis()
    );
    Ok(())
}
