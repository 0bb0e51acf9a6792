//! Throughput and latency of your server under load, against the same server with one lock held
//! across an `.await` (`Config::lock_across_await`).
//!
//! Run with `cargo run --release -p lab-async-inside --example load` (after Exercises 9.8–9.11).
//! Optional arguments: clients, requests per client, latency in ms (default: 64 20 1), and
//! `--markdown` to print the table chapter 09 includes.

use std::time::Duration;

use lab_async_inside::load::run_clients;
use lab_async_inside::server::Server;
use lab_async_inside::state::Config;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let clients = args.first().copied().unwrap_or(64) as usize;
    let requests = args.get(1).copied().unwrap_or(20) as usize;
    let latency = Duration::from_millis(args.get(2).copied().unwrap_or(1));
    let markdown = std::env::args().any(|a| a == "--markdown");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if markdown {
        println!(
            "{clients} clients × {requests} requests, each reply after {latency:?}, on {workers} worker threads.\n"
        );
        println!("| server | throughput | median latency | 99th percentile | all requests in |");
        println!("| --- | ---: | ---: | ---: | ---: |");
    } else {
        println!(
            "{clients} clients x {requests} requests, each reply after {latency:?}, on {workers} worker threads"
        );
    }
    for (name, lock_across_await) in [("your server", false), ("lock held across .await", true)] {
        let server = Server::start(Config {
            latency,
            lock_across_await,
            ..Config::default()
        })
        .await?;
        let report = run_clients(server.addr(), clients, requests).await?;
        if markdown {
            println!(
                "| {name} | {:.0} requests/s | {:.2?} | {:.2?} | {:.2?} |",
                report.throughput(),
                report.percentile(50.0),
                report.percentile(99.0),
                report.elapsed
            );
            continue;
        }
        println!(
            "{name:<26} {:>8.0} requests/s   p50 {:>8.2?}   p99 {:>8.2?}   (in {:.2?})",
            report.throughput(),
            report.percentile(50.0),
            report.percentile(99.0),
            report.elapsed
        );
    }
    Ok(())
}
