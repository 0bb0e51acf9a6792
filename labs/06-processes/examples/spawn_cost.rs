//! What does it cost to start a thread, and to start a process? Starts each many times, waits
//! for it, and prints the median time of one start-and-wait, with the fastest and the slowest
//! sample, so that a loaded machine shows as a wide spread. A quick look;
//! `cargo bench -p lab-processes -- spawn` is the careful measurement.
//!
//! ```console
//! $ cargo run --release -p lab-processes --example spawn_cost
//! $ cargo run --release -p lab-processes --example spawn_cost -- --markdown
//! ```
//!
//! With `--markdown` it prints the table the book includes (chapters 01 and 06), made by
//! `cargo lab figures spawn-cost`: the book quotes the cost of a thread from this one place.

use std::env;
use std::io;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

/// Samples taken of each kind; the table shows their median, fastest and slowest.
const SAMPLES: usize = 15;

fn main() -> io::Result<()> {
    let arg = env::args().nth(1);
    if arg.as_deref() == Some("child") {
        return Ok(()); // the trivial child: start, and exit at once
    }
    let markdown = arg.as_deref() == Some("--markdown");
    let me = env::current_exe()?;

    // ANCHOR: measure
    let threads = per_run(100, || {
        thread::spawn(|| 1 + 1)
            .join()
            .expect("the thread does not panic");
    });
    let scoped = per_run(100, || {
        thread::scope(|s| s.spawn(|| 1 + 1).join().expect("the thread does not panic"));
    });
    let processes = per_run(10, || {
        let status = Command::new(&me)
            .arg("child")
            .status()
            .expect("start the child");
        assert!(status.success());
    });
    // ANCHOR_END: measure

    let ratio = processes.median().as_secs_f64() / threads.median().as_secs_f64();
    if markdown {
        println!("| start, then wait for the end | median | fastest sample | slowest sample |");
        println!("| --- | ---: | ---: | ---: |");
        for (what, s) in [
            ("a thread: `thread::spawn(…).join()`", &threads),
            ("a scoped thread: `thread::scope` with one thread", &scoped),
            (
                "a process: `Command::status()` of a program that exits at once",
                &processes,
            ),
        ] {
            println!(
                "| {what} | {} | {} | {} |",
                human(s.median()),
                human(s.fastest()),
                human(s.slowest())
            );
        }
        println!();
        println!(
            "Each sample is the average of 100 starts (10 for the process) after a warm-up; \
             {SAMPLES} samples each. In this run a process cost about {ratio:.0} times as much \
             as a thread (medians)."
        );
    } else {
        println!("thread spawn + join:  {:>10.1?} (median)", threads.median());
        println!("scoped spawn + join:  {:>10.1?} (median)", scoped.median());
        println!(
            "process spawn + wait: {:>10.1?} (median)",
            processes.median()
        );
        println!("a process costs about {ratio:.0} times as much as a thread");
    }
    Ok(())
}

/// `SAMPLES` sorted samples, each the average time of `runs` calls of `start_and_wait`,
/// after a few calls to warm up.
fn per_run(runs: u32, mut start_and_wait: impl FnMut()) -> Samples {
    for _ in 0..10 {
        start_and_wait();
    }
    let mut samples: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..runs {
                start_and_wait();
            }
            start.elapsed() / runs
        })
        .collect();
    samples.sort();
    Samples(samples)
}

struct Samples(Vec<Duration>);

impl Samples {
    fn median(&self) -> Duration {
        self.0[self.0.len() / 2]
    }
    fn fastest(&self) -> Duration {
        self.0[0]
    }
    fn slowest(&self) -> Duration {
        self.0[self.0.len() - 1]
    }
}

/// `41.7 µs`, `1.62 ms`: three significant figures or so, with a space before the unit.
fn human(time: Duration) -> String {
    let micros = time.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.1} µs")
    } else {
        format!("{:.2} ms", micros / 1000.0)
    }
}
