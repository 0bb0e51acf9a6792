//! The CPU-bound table of the sources, in Rust: four jobs, each the sum of the squares of the
//! first 5 000 000 numbers, computed sequentially, on one thread per job, with rayon over the
//! jobs, and with `sum_of_squares` (built on your `sum_of_terms`, Exercise 5.1) inside each job.
//!
//! Run it in release mode (debug builds are many times slower):
//! `cargo run --release -p lab-rayon --example cpu_table`. With `-- --markdown` it prints the
//! table chapter 05 includes.

use std::hint::black_box;
use std::panic;
use std::thread;
use std::time::{Duration, Instant};

use lab_rayon::squares::{sum_of_squares, sum_of_squares_sequential};
use rayon::prelude::*;

const JOBS: [u64; 4] = [5_000_000; 4];
const RUNS: usize = 20;

/// One way of running the four jobs.
type Way = fn() -> Vec<u128>;

/// Runs `work` `RUNS` times and keeps the fastest run, the one least disturbed by whatever else
/// the machine was doing.
fn timed(work: impl Fn() -> Vec<u128>) -> (Duration, Vec<u128>) {
    let mut best = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let results = work();
        let elapsed = start.elapsed();
        if best.as_ref().is_none_or(|(fastest, _)| elapsed < *fastest) {
            best = Some((elapsed, results));
        }
    }
    best.expect("RUNS is not 0")
}

fn sequential() -> Vec<u128> {
    JOBS.iter()
        .map(|&n| sum_of_squares_sequential(black_box(n)))
        .collect()
}

fn thread_per_job() -> Vec<u128> {
    thread::scope(|scope| {
        let handles: Vec<_> = JOBS
            .iter()
            .map(|&n| scope.spawn(move || sum_of_squares_sequential(black_box(n))))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|e| panic::resume_unwind(e)))
            .collect()
    })
}

fn rayon_over_jobs() -> Vec<u128> {
    JOBS.par_iter()
        .map(|&n| sum_of_squares_sequential(black_box(n)))
        .collect()
}

fn yours_inside_each_job() -> Vec<u128> {
    JOBS.iter().map(|&n| sum_of_squares(black_box(n))).collect()
}

/// How one row is printed: plain text for a terminal, or a row of the Markdown table the book
/// includes (`--markdown`).
struct Printer {
    markdown: bool,
}

impl Printer {
    fn row(&self, name: &str, time: Duration, speedup: f64) {
        if self.markdown {
            println!("| {name} | {time:.1?} | {speedup:.2}× |");
        } else {
            println!("{name:<34} {time:>9.1?}  speedup {speedup:.2}");
        }
    }
}

fn main() {
    let markdown = std::env::args().nth(1).as_deref() == Some("--markdown");
    let out = Printer { markdown };
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let threads = rayon::current_num_threads();
    if markdown {
        println!(
            "4 jobs of 5 000 000 squares each, {cores} cores, rayon's pool of {threads} threads; \
             each time is the fastest of {RUNS} runs.\n"
        );
        println!("| how the four jobs run | time | speedup |");
        println!("| --- | ---: | ---: |");
    } else {
        println!(
            "4 jobs of 5 000 000 squares each, {cores} core(s), rayon uses {threads} threads; each \
             time is the fastest of {RUNS} runs",
        );
    }
    let (baseline, expected) = timed(sequential);
    out.row("one after the other", baseline, 1.0);
    let rows: [(&str, Way); 2] = [
        ("one thread per job", thread_per_job),
        ("rayon over the jobs", rayon_over_jobs),
    ];
    for (name, work) in rows {
        let (time, results) = timed(work);
        assert_eq!(results, expected, "{name} computed different sums");
        out.row(name, time, baseline.as_secs_f64() / time.as_secs_f64());
    }
    // Exercise 5.1 may not be written yet: then `sum_of_squares` panics with its todo!().
    panic::set_hook(Box::new(|_| {}));
    match panic::catch_unwind(|| timed(yours_inside_each_job)) {
        Ok((time, results)) => {
            assert_eq!(results, expected, "sum_of_squares computed different sums");
            let speedup = baseline.as_secs_f64() / time.as_secs_f64();
            out.row("your sum_of_squares, job by job", time, speedup);
        }
        Err(_) => println!("your sum_of_squares (Exercise 5.1) is not written yet"),
    }
}
