//! The chapter's figure: a word count of a million words on 1, 2 and 4 workers of one
//! process, and on 2 processes of 1 worker each, next to the sequential count. It prints a
//! Markdown table; `cargo lab figures 12-cluster` runs it and adds the machine and its load.
//!
//! ```console
//! $ cargo run --release -p lab-cluster --example scaling
//! ```
//!
//! For the two-process rows the example starts itself twice more, as `wordcount` processes
//! (`scaling --wordcount ARGS…` runs the lab's program), connected over 127.0.0.1.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lab_cluster::count::{Plan, merge, run_count_with};
use lab_cluster::launch::{LocalCluster, ScratchDir};
use lab_cluster::text::{Counts, sequential_count, split_text};

const RUNS: usize = 5;

fn main() {
    let mut args = std::env::args();
    if std::env::args().nth(1).as_deref() == Some("--wordcount") {
        let program = args.next().unwrap_or_default();
        let rest = args.skip(1);
        std::process::exit(lab_cluster::cluster::main(
            std::iter::once(program).chain(rest),
        ));
    }

    let text = zipf_text(100_000, 10, 50_000);
    let expected = sequential_count(&text);
    let words: u64 = expected.values().sum();
    let splits = Arc::new(split_text(&text, 64));
    let dir = ScratchDir::new().expect("a scratch directory");
    let file = dir.path().join("text.txt");
    std::fs::write(&file, &text).expect("write the text");
    let file = file.to_str().expect("a UTF-8 path").to_string();

    let sequential = measure(|| {
        let counts = sequential_count(&text);
        (counts, Duration::ZERO)
    });
    let mut rows = vec![(
        "sequential (`sequential_count`, one thread)".to_string(),
        sequential.clone(),
        sequential,
    )];
    for workers in [1, 2, 4] {
        let mut cells = Vec::new();
        for plan in [Plan::Plain, Plan::Combined] {
            cells.push(measure(|| {
                let config = timely::Config::process(workers);
                let counted = run_count_with(config, Arc::clone(&splits), plan, false)
                    .expect("the count runs (are Exercises 12.1 and 12.2 done?)");
                (merge(&counted), Duration::ZERO)
            }));
        }
        let label = format!("timely, 1 process × {workers} worker{}", plural(workers));
        rows.push((label, cells[0].clone(), cells[1].clone()));
    }
    let mut cells = Vec::new();
    for combine in [false, true] {
        cells.push(measure(|| two_processes(&file, combine, &dir)));
    }
    rows.push((
        "timely, 2 processes × 1 worker (TCP on 127.0.0.1)".to_string(),
        cells[0].clone(),
        cells[1].clone(),
    ));

    for (_, plain, combined) in &rows {
        assert!(
            plain.counts == expected && combined.counts == expected,
            "every way must count the same"
        );
    }
    let base = rows[1].1.median();
    println!(
        "Counting {words} words ({} distinct, Zipf-distributed; {:.1} MB of text in {} splits \
         of 64 lines). Median of {RUNS} runs, with the fastest and slowest in brackets; \
         speedup against timely on one worker, without a combiner.\n",
        expected.len(),
        text.len() as f64 / 1e6,
        splits.len()
    );
    println!("| how | without a combiner | speedup | with a combiner | speedup |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (label, plain, combined) in &rows {
        println!(
            "| {label} | {} | {:.2}× | {} | {:.2}× |",
            plain.cell(),
            base / plain.median(),
            combined.cell(),
            base / combined.median()
        );
    }
    println!(
        "\nThe two-process rows count from `@ready` (both processes connected) until each \
         process's workers are done, and take the slower process; starting the processes and \
         connecting them took {:.1} s more each time (timely's connection loop polls once a \
         second).",
        rows.last().map_or(0.0, |row| row.1.overhead.as_secs_f64())
    );
}

#[derive(Clone)]
struct Timing {
    counts: Counts,
    times: Vec<Duration>,
    overhead: Duration,
}

impl Timing {
    fn median(&self) -> f64 {
        let mut times: Vec<f64> = self.times.iter().map(Duration::as_secs_f64).collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }

    fn cell(&self) -> String {
        let min = self.times.iter().min().copied().unwrap_or_default();
        let max = self.times.iter().max().copied().unwrap_or_default();
        format!(
            "{} ({}–{})",
            seconds(self.median()),
            seconds(min.as_secs_f64()),
            seconds(max.as_secs_f64())
        )
    }
}

fn seconds(secs: f64) -> String {
    if secs < 1.0 {
        format!("{:.0} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// Runs `work` once to warm up, then [`RUNS`] times. `work` returns its counts, and the time
/// it measured itself (zero: time the whole call).
fn measure(mut work: impl FnMut() -> (Counts, Duration)) -> Timing {
    let (counts, _) = work();
    let mut times = Vec::new();
    let mut overhead = Duration::ZERO;
    for _ in 0..RUNS {
        let start = Instant::now();
        let (_, own) = work();
        let total = start.elapsed();
        if own.is_zero() {
            times.push(total);
        } else {
            times.push(own);
            overhead = total.saturating_sub(own);
        }
    }
    Timing {
        counts,
        times,
        overhead,
    }
}

/// Counts `file` with two `wordcount` processes; returns the counts and the slower process's
/// `@elapsed`.
fn two_processes(file: &str, combine: bool, dir: &ScratchDir) -> (Counts, Duration) {
    let program = std::env::current_exe().expect("this program's path");
    let mut args = vec!["--wordcount", file];
    if combine {
        args.push("--combine");
    }
    let mut cluster = LocalCluster::start(&program, 2, &args, dir.path(), Duration::from_secs(60))
        .unwrap_or_else(|failure| panic!("{failure}"));
    let mut counts = Counts::new();
    let mut slowest = Duration::ZERO;
    for process in &mut cluster.processes {
        let status = process
            .wait_exit(Duration::from_secs(600))
            .unwrap_or_else(|failure| panic!("{failure}"));
        assert!(status.success(), "{}", process.report());
        for line in process.stdout() {
            if let Some(secs) = line.strip_prefix("@elapsed ") {
                let secs: f64 = secs.parse().expect("@elapsed SECONDS");
                slowest = slowest.max(Duration::from_secs_f64(secs));
            }
        }
        let own = lab_cluster::cluster::parse_counts(process.stdout()).expect("@count lines");
        counts.extend(own);
    }
    (counts, slowest)
}

/// `lines` lines of `per_line` words drawn from `vocabulary` words with Zipf's law (the word of
/// rank `r` about `1/r` as often as the most common), from a fixed seed.
fn zipf_text(lines: usize, per_line: usize, vocabulary: usize) -> String {
    let weights: Vec<f64> = (1..=vocabulary).map(|rank| 1.0 / rank as f64).collect();
    let total: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(vocabulary);
    let mut sum = 0.0;
    for weight in weights {
        sum += weight / total;
        cumulative.push(sum);
    }
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = String::with_capacity(lines * per_line * 8);
    for _ in 0..lines {
        for i in 0..per_line {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let u = (seed >> 11) as f64 / (1u64 << 53) as f64;
            let rank = cumulative.partition_point(|&c| c < u).min(vocabulary - 1);
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&format!("w{rank}"));
        }
        text.push('\n');
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
