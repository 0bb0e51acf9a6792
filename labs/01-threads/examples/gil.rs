//! What Python's global interpreter lock (GIL) does to CPU-bound threads,
//! simulated in Rust.
//!
//! The same CPU-bound jobs run three ways: all on one thread; one job per
//! thread, the threads running freely; and one job per thread where every
//! small unit of work must first take one global `Mutex`, the way a CPython
//! thread must hold the GIL while it runs Python code. The program prints the
//! wall time of each (the fastest of a few runs) and its speed-up over one
//! thread.
//!
//! Run it with `cargo run -p lab-threads --example gil`, or pass the number of
//! jobs (and threads), e.g. `cargo run -p lab-threads --example gil -- 8`.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// Jobs (and threads) when no count is given on the command line.
const DEFAULT_JOBS: usize = 4;
/// How long one job takes on one thread of this machine, roughly.
const JOB_MS: u64 = 100;
/// Each way of running is timed this many times; the fastest run counts, as
/// it is the one least disturbed by whatever else the machine was doing.
const REPEATS: usize = 3;
/// Units of work per job; a simulated GIL is taken once per unit.
const UNITS_PER_JOB: u64 = 400;

// ANCHOR: work
/// One CPU-bound job: [`UNITS_PER_JOB`] units of `rounds_per_unit` rounds of
/// arithmetic, starting from `seed`. Before each unit it calls `before_unit`,
/// whose return value (a lock guard, or nothing) is held while the unit runs
/// and dropped at the end of it.
fn job<G>(seed: u64, rounds_per_unit: u64, before_unit: impl Fn() -> G) -> u64 {
    let mut state = seed;
    for _ in 0..UNITS_PER_JOB {
        let _held = before_unit();
        state = crunch(state, rounds_per_unit);
    }
    state
}

/// Runs one job per thread and combines their answers. `before_unit` is what
/// every thread calls before each unit of work.
fn on_threads<G>(jobs: usize, rounds_per_unit: u64, before_unit: impl Fn() -> G + Sync) -> u64 {
    thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|index| {
                let before_unit = &before_unit;
                scope.spawn(move || job(seed_for(index), rounds_per_unit, before_unit))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .fold(0, u64::wrapping_add)
    })
}

/// Threads that run freely: nothing to take before a unit of work.
fn free_threads(jobs: usize, rounds_per_unit: u64) -> u64 {
    on_threads(jobs, rounds_per_unit, || ())
}

/// Threads under a simulated GIL: every unit of work holds the one global lock.
fn threads_with_gil(jobs: usize, rounds_per_unit: u64) -> u64 {
    let gil = Mutex::new(());
    on_threads(jobs, rounds_per_unit, || {
        gil.lock().unwrap_or_else(PoisonError::into_inner)
    })
}
// ANCHOR_END: work

/// All jobs, one after another, on the calling thread.
fn one_thread(jobs: usize, rounds_per_unit: u64) -> u64 {
    (0..jobs)
        .map(|index| job(seed_for(index), rounds_per_unit, || ()))
        .fold(0, u64::wrapping_add)
}

/// A distinct, non-zero starting state for job number `index`.
fn seed_for(index: usize) -> u64 {
    (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `rounds` steps of a xorshift generator from `state` (which must not be
/// zero), each passed through [`black_box`] so the optimiser cannot skip them.
fn crunch(mut state: u64, rounds: u64) -> u64 {
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state = black_box(state);
    }
    state
}

/// Rounds of [`crunch`] per unit of work such that one job takes about
/// [`JOB_MS`] on one thread of this machine, in this build profile. It times
/// many short chunks for about 50 ms and trusts the fastest, the one least
/// disturbed by other programs.
fn calibrate_rounds_per_unit() -> u64 {
    const CHUNK: u64 = 10_000;
    let start = Instant::now();
    let mut fastest = Duration::MAX;
    while start.elapsed() < Duration::from_millis(50) {
        let chunk_start = Instant::now();
        black_box(crunch(seed_for(0), CHUNK));
        fastest = fastest.min(chunk_start.elapsed());
    }
    let rounds_per_ms = CHUNK as f64 / (fastest.as_secs_f64() * 1000.0);
    ((rounds_per_ms * JOB_MS as f64 / UNITS_PER_JOB as f64) as u64).max(1)
}

/// Times every way of running [`REPEATS`] times, taking turns so that a busy
/// moment on the machine slows all of them alike. Returns each way's answer
/// and its fastest time.
fn fastest_times<const N: usize>(
    ways: &[(String, &dyn Fn() -> u64); N],
) -> ([u64; N], [Duration; N]) {
    let mut answers = [0; N];
    let mut fastest = [Duration::MAX; N];
    for _ in 0..REPEATS {
        for (i, (_, run)) in ways.iter().enumerate() {
            let start = Instant::now();
            answers[i] = run();
            fastest[i] = fastest[i].min(start.elapsed());
        }
    }
    (answers, fastest)
}

/// The number of jobs from the first command-line argument, if there is one.
fn jobs_from_args() -> Result<usize, String> {
    match std::env::args().nth(1) {
        None => Ok(DEFAULT_JOBS),
        Some(arg) => match arg.parse() {
            Ok(jobs) if jobs > 0 => Ok(jobs),
            _ => Err(format!(
                "expected a number of jobs (1 or more), got {arg:?}"
            )),
        },
    }
}

fn main() -> ExitCode {
    let jobs = match jobs_from_args() {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("gil: {message}");
            return ExitCode::FAILURE;
        }
    };
    let cpus = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let rounds = calibrate_rounds_per_unit();
    println!("{jobs} CPU-bound jobs, the same work each way; {cpus} CPU(s) available.\n");

    let threads = if jobs == 1 { "thread" } else { "threads" };
    let ways: [(String, &dyn Fn() -> u64); 3] = [
        ("one thread, jobs in turn".into(), &|| {
            one_thread(jobs, rounds)
        }),
        (format!("{jobs} {threads}, running freely"), &|| {
            free_threads(jobs, rounds)
        }),
        (format!("{jobs} {threads}, one global lock"), &|| {
            threads_with_gil(jobs, rounds)
        }),
    ];
    let (answers, fastest) = fastest_times(&ways);
    let baseline = fastest[0].as_secs_f64();
    println!("  {:<32} {:>9} {:>9}", "", "wall time", "speed-up");
    for ((name, _), took) in ways.iter().zip(&fastest) {
        let speedup = baseline / took.as_secs_f64();
        println!("  {name:<32} {:>6} ms {speedup:>8.2}x", took.as_millis());
    }
    if answers.iter().all(|&answer| answer == answers[0]) {
        println!(
            "\nAll three computed the same answer ({:#018x}).",
            answers[0]
        );
    } else {
        eprintln!("gil: the three ways computed different answers: {answers:x?}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
