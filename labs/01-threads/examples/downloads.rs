//! Three simulated downloads, first one after another, then one thread per file.
//!
//! Each fake download just waits, the way a program waits for the network: this is I/O-bound
//! work. The program prints when each download starts and ends, on which thread, and how long
//! each approach took.
//!
//! Run it with `cargo run -p lab-threads --example downloads`. The threaded half needs your
//! `download_all_threaded` (Exercise 1.3); until then the program says so and stops there.

use std::panic;
use std::thread;
use std::time::{Duration, Instant};

use lab_threads::downloads::{Download, download_all_sequential, download_all_threaded};

/// How long one fake download takes.
const LATENCY: Duration = Duration::from_millis(400);

const URLS: [&str; 3] = [
    "https://example.test/january.csv",
    "https://example.test/february.csv",
    "https://example.test/march.csv",
];

// ANCHOR: fake_fetch
/// Pretends to download `url`: logs the start, waits `LATENCY`, logs the end, returns a body.
fn fake_fetch(url: &str, clock: Instant) -> Vec<u8> {
    let me = thread::current().id();
    println!("  {:>5.0?} ms  {me:?}  start {url}", ms(clock));
    thread::sleep(LATENCY);
    println!("  {:>5.0?} ms  {me:?}  done  {url}", ms(clock));
    format!("the contents of {url}").into_bytes()
}
// ANCHOR_END: fake_fetch

fn ms(clock: Instant) -> f64 {
    clock.elapsed().as_secs_f64() * 1000.0
}

fn report(downloads: &[Download], clock: Instant) {
    let bytes: usize = downloads.iter().map(|d| d.body.len()).sum();
    println!(
        "  {} files, {bytes} bytes, in {:.0} ms\n",
        downloads.len(),
        ms(clock)
    );
}

fn main() {
    println!("main thread: {:?}\n", thread::current().id());

    println!("one after another (download_all_sequential):");
    let clock = Instant::now();
    let downloads = download_all_sequential(&URLS, |url| fake_fetch(url, clock));
    report(&downloads, clock);

    println!("one thread per file (download_all_threaded):");
    let clock = Instant::now();
    let threaded =
        panic::catch_unwind(|| download_all_threaded(&URLS, |url| fake_fetch(url, clock)));
    match threaded {
        Ok(downloads) => report(&downloads, clock),
        Err(_) => println!("  not written yet: do Exercise 1.3, then run this again"),
    }
}
