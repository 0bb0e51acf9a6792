//! Concurrency and parallelism, drawn as timelines from a real run.
//!
//! Five small tasks run twice: first one after another on the main thread,
//! then each on a thread of its own. Some tasks wait (a `sleep` standing in
//! for a network request or a disk read), some compute, one does both. Every
//! task records when each of its steps started and ended, and the program
//! draws those instants: one row per task, time running left to right, on the
//! same scale for both runs.
//!
//! Run it with `cargo run -p lab-threads --example timeline`. On Linux, pin it
//! to a single CPU to see one core juggling the threads:
//! `taskset -c 0 cargo run -p lab-threads --example timeline`.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::thread;
use std::time::{Duration, Instant};

/// How long one compute step or one wait lasts, when it runs alone.
const STEP_MS: u64 = 300;
/// Widest timeline drawn, in characters.
const MAX_COLUMNS: u64 = 64;

// ANCHOR: tasks
/// One thing a task does.
#[derive(Clone, Copy)]
enum Step {
    /// Blocked, using no CPU: stands in for waiting on the network or a disk.
    Wait(Duration),
    /// Busy on a CPU for this many rounds of arithmetic (see [`crunch`]).
    Compute(u64),
}

/// A named list of steps, done in order.
struct Task {
    name: &'static str,
    steps: Vec<Step>,
}

/// The five tasks: two that only wait, two that only compute, one that waits
/// then computes. `rounds_per_ms` turns milliseconds of CPU work on this
/// machine into a fixed amount of arithmetic.
fn tasks(rounds_per_ms: u64) -> Vec<Task> {
    let wait = |ms| Step::Wait(Duration::from_millis(ms));
    let compute = |ms| Step::Compute(ms * rounds_per_ms);
    vec![
        Task {
            name: "download 1",
            steps: vec![wait(STEP_MS)],
        },
        Task {
            name: "download 2",
            steps: vec![wait(STEP_MS)],
        },
        Task {
            name: "checksum A",
            steps: vec![compute(STEP_MS)],
        },
        Task {
            name: "checksum B",
            steps: vec![compute(STEP_MS)],
        },
        Task {
            name: "fetch+parse",
            steps: vec![wait(STEP_MS / 2), compute(STEP_MS / 2)],
        },
    ]
}
// ANCHOR_END: tasks

/// What a step was doing while it ran.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Waiting,
    Computing,
}

/// One step as it really happened, timed from the start of the run.
struct Span {
    activity: Activity,
    start: Duration,
    end: Duration,
}

/// The spans of every task (in task order) and how long the whole run took.
struct Run {
    spans: Vec<Vec<Span>>,
    total: Duration,
}

// ANCHOR: run
/// Does a task's steps in order, recording when each one starts and ends
/// relative to `origin`, the instant the whole run began.
fn run_task(task: &Task, origin: Instant) -> Vec<Span> {
    task.steps
        .iter()
        .map(|step| {
            let start = origin.elapsed();
            let activity = match *step {
                Step::Wait(duration) => {
                    thread::sleep(duration);
                    Activity::Waiting
                }
                Step::Compute(rounds) => {
                    black_box(crunch(rounds));
                    Activity::Computing
                }
            };
            let end = origin.elapsed();
            Span {
                activity,
                start,
                end,
            }
        })
        .collect()
}

/// All tasks, one after another, on the calling thread.
fn run_sequentially(tasks: &[Task]) -> Run {
    let origin = Instant::now();
    let spans = tasks.iter().map(|task| run_task(task, origin)).collect();
    Run {
        spans,
        total: origin.elapsed(),
    }
}

/// Every task on a thread of its own, all started at once, then all joined.
fn run_on_threads(tasks: &[Task]) -> Run {
    let origin = Instant::now();
    let spans = thread::scope(|scope| {
        let handles: Vec<_> = tasks
            .iter()
            .map(|task| scope.spawn(move || run_task(task, origin)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    Run {
        spans,
        total: origin.elapsed(),
    }
}
// ANCHOR_END: run

/// CPU work that the optimiser cannot skip: `rounds` steps of a xorshift
/// generator, each passed through [`black_box`].
fn crunch(rounds: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = black_box(x);
    }
    x
}

/// How many rounds of [`crunch`] this machine (and this build profile) does
/// per millisecond on one thread. It times many short chunks for about 50 ms
/// and trusts the fastest, the one least disturbed by other programs.
fn rounds_per_ms() -> u64 {
    const CHUNK: u64 = 10_000;
    let start = Instant::now();
    let mut fastest = Duration::MAX;
    while start.elapsed() < Duration::from_millis(50) {
        let chunk_start = Instant::now();
        black_box(crunch(CHUNK));
        fastest = fastest.min(chunk_start.elapsed());
    }
    let fastest_ms = fastest.as_secs_f64() * 1000.0;
    ((CHUNK as f64 / fastest_ms) as u64).max(1)
}

/// The smallest "round" number of milliseconds per column that fits
/// `longest` into [`MAX_COLUMNS`].
fn ms_per_column(longest: Duration) -> u64 {
    let needed = (longest.as_millis() as u64).div_ceil(MAX_COLUMNS);
    [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
        .into_iter()
        .find(|&ms| ms >= needed)
        .unwrap_or(needed)
}

/// One row per task: `█` while computing, `░` while waiting, blank before a
/// task starts and after it ends.
fn draw(title: &str, tasks: &[Task], run: &Run, ms_per_column: u64) {
    let column = |at: Duration| (at.as_millis() as u64 / ms_per_column) as usize;
    let width = column(run.total) + 1;
    println!("{title}: {} ms", run.total.as_millis());
    for (task, spans) in tasks.iter().zip(&run.spans) {
        let mut cells = vec![' '; width];
        for span in spans {
            let first = column(span.start);
            let last = column(span.end).max(first + 1).min(width);
            let mark = match span.activity {
                Activity::Waiting => '░',
                Activity::Computing => '█',
            };
            cells[first..last].fill(mark);
        }
        let row: String = cells.into_iter().collect();
        println!("  {:>11} |{}", task.name, row.trim_end());
    }
}

/// A time axis under the timelines: a tick every ten columns, labelled in ms.
fn draw_axis(columns: usize, ms_per_column: u64) {
    let ticks: String = (0..=columns)
        .map(|c| if c % 10 == 0 { '+' } else { '-' })
        .collect();
    let mut labels = String::new();
    for c in (0..=columns).step_by(10) {
        let label = (c as u64 * ms_per_column).to_string();
        let pad = c.saturating_sub(labels.chars().count());
        labels.push_str(&" ".repeat(pad));
        labels.push_str(&label);
    }
    println!("  {:>11} |{ticks}", "");
    println!("  {:>11}  {labels} ms", "");
}

fn main() {
    let cpus = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let tasks = tasks(rounds_per_ms());

    let sequential = run_sequentially(&tasks);
    let threaded = run_on_threads(&tasks);

    let scale = ms_per_column(sequential.total);
    let columns = (sequential.total.as_millis() as u64).div_ceil(scale) as usize;
    println!(
        "{} tasks, {cpus} CPU(s) available; one column = {scale} ms",
        tasks.len()
    );
    println!("█ computing   ░ waiting (sleep, standing in for network or disk)\n");
    draw("One after another", &tasks, &sequential, scale);
    draw_axis(columns, scale);
    println!();
    draw("One thread per task", &tasks, &threaded, scale);
    draw_axis(columns, scale);
    println!(
        "\nThreads finished {:.1}x sooner.",
        sequential.total.as_secs_f64() / threaded.total.as_secs_f64()
    );
}
