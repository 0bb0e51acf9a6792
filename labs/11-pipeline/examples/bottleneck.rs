//! Which stage is the bottleneck? The pipeline on 96 URLs with 10 ms of latency and a transform
//! calibrated to 4 ms of CPU per body, for K (fetches in flight) from 1 to 8 and N (CPU workers)
//! of 1 and 2, next to each stage alone. Prints a Markdown table.
//!
//! Little's law says that the fetch stage, holding K requests for a latency each, delivers at
//! most K / latency bodies a second, and that the CPU stage, holding N bodies for c seconds each,
//! finishes at most N / c a second; the pipeline runs at the smaller rate. In time: the pipeline
//! should take about as long as the slower stage alone. The program measures both stages alone
//! and the pipeline, each run in turn with the others (so that on a busy machine all three see
//! the same load), and prints the medians.
//!
//! Run it once your pipeline works (Exercises 11.1 to 11.5):
//! `cargo run --release -p lab-pipeline --example bottleneck`.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lab_pipeline::baseline::fetch_then_compute;
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

const ITEMS: usize = 96;
const LATENCY: Duration = Duration::from_millis(10);
const CPU_PER_ITEM: Duration = Duration::from_millis(4);
const RUNS: usize = 7;

/// How long `f` takes.
fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// The median of some timings.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
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

    let nothing = work_for(Arc::new(|_: &[u8]| {
        Ok(lab_pipeline::transform::Summary {
            words: 0,
            distinct: 0,
            checksum: 0,
        })
    }));
    println!(
        "| N | K | fetching alone, K at a time | computing alone, on N workers | the pipeline | \
         pipeline / slower stage | the slower stage |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for n in [1, 2] {
        let pool = Arc::new(
            ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("a pool"),
        );
        for k in [1, 2, 4, 8] {
            let mut fetching = Vec::new();
            let mut computing = Vec::new();
            let mut pipeline = Vec::new();
            for _ in 0..RUNS {
                fetching.push(timed(|| {
                    fetch_then_compute(&runtime, &urls, Arc::new(HttpClient), k, &nothing, &pool);
                }));
                computing.push(timed(|| {
                    pool.install(|| bodies.par_iter().map(|b| work(Ok(b.clone()))).count());
                }));
                pipeline.push(timed(|| {
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
                }));
            }
            let (fetching, computing, pipeline) =
                (median(fetching), median(computing), median(pipeline));
            let (slower, which) = if fetching > computing {
                (fetching, "fetching")
            } else {
                (computing, "computing")
            };
            println!(
                "| {n} | {k} | {} | {} | {} | {:.2} | {which} |",
                ms(fetching),
                ms(computing),
                ms(pipeline),
                pipeline.as_secs_f64() / slower.as_secs_f64()
            );
        }
    }
    println!();
    println!(
        "{ITEMS} URLs, {} ms of latency; the transform calibrated to {} ms of CPU per body; \
         medians of {RUNS} rounds, each round timing the three in turn.",
        LATENCY.as_millis(),
        CPU_PER_ITEM.as_millis()
    );
    Ok(())
}
