//! Given code: the `wordcount` program (`src/bin/wordcount.rs`), one process of a computation
//! that may span many.
//!
//! What it prints, on standard output (timely prints a few lines of its own while processes
//! connect, so every line of ours starts with `@`):
//!
//! - `@ready` once timely has started (with several processes: once they are all connected);
//! - counting a file: `@count WORD N` for each word this process's workers own, in word order,
//!   then `@received WORKER N` for each of its workers (records received from other workers),
//!   then `@elapsed SECONDS`, the time from `@ready` until this process's workers were done;
//! - with `--stream`: for each epoch, as soon as it is complete, `@epoch K WORD N` for each word
//!   of epoch `K` that this process's workers own, then `@complete K`.
//!
//! It exits with status 0 when done. On any failure it prints lines that start with `error:` on
//! standard error and exits with status 1 at once, without waiting for anything (2 for a bad
//! command line).

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::process;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use crate::args::{Args, Mode, USAGE};
use crate::count::{self, Plan, WorkerCounts, catch_panic};
use crate::epochs::{EpochResult, EpochRun};
use crate::text::{self, Counts};

/// How many lines of the file make one split.
pub const LINES_PER_SPLIT: usize = 64;

/// The line of stdin that ends an epoch (`--stream`).
pub const END_OF_EPOCH: &str = ".";

/// Runs `wordcount` with the command line `args`; returns its exit status (it may also end the
/// process itself, with status 1, on a failure).
pub fn main(args: impl IntoIterator<Item = String>) -> i32 {
    record_panics();
    let args = match Args::parse(args) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return 2;
        }
    };
    match args.mode {
        Mode::Count { input, combine } => {
            let plan = if combine { Plan::Combined } else { Plan::Plain };
            match text::read_text(&input) {
                Ok(text) => count(args.config, &text, plan),
                Err(error) => fail(&[error]),
            }
        }
        Mode::Stream { timeout } => stream(args.config, timeout),
    }
}

// ANCHOR: count
/// Counts `text` on the workers of this process, and prints what they own.
fn count(config: timely::Config, text: &str, plan: Plan) -> i32 {
    let splits = Arc::new(text::split_text(text, LINES_PER_SPLIT));
    let (done, outcomes) = mpsc::channel();
    let done = Mutex::new(done);
    let guards = timely::execute(config, move |worker| {
        let counted = catch_panic(|| count::count_on_worker(worker, &splits, plan, true));
        let _ = lock(&done).send((worker.index(), counted));
    });
    let guards = match guards {
        Ok(guards) => guards,
        Err(error) => fail(&[format!("timely did not start: {error}")]),
    };
    println!("@ready");
    let started = std::time::Instant::now();
    let mut counted: Vec<WorkerCounts> = Vec::new();
    for _ in 0..guards.guards().len() {
        match outcomes.recv() {
            Ok((_, Ok(worker))) => counted.push(worker),
            Ok((index, Err(error))) => fail(&[format!("worker {index} panicked: {error}")]),
            Err(_) => fail(&["a worker ended without reporting".to_string()]),
        }
    }
    let elapsed = started.elapsed();
    counted.sort_by_key(|worker| worker.worker);
    let mut out = io::stdout().lock();
    for (word, n) in count::merge(&counted) {
        let _ = writeln!(out, "@count {word} {n}");
    }
    for worker in &counted {
        let _ = writeln!(out, "@received {} {}", worker.worker, worker.received);
    }
    let _ = writeln!(out, "@elapsed {:.6}", elapsed.as_secs_f64());
    let _ = out.flush();
    drop(out);
    finish(guards)
}
// ANCHOR_END: count

// ANCHOR: stream
/// Counts stdin epoch by epoch, and prints each epoch as soon as it is complete.
fn stream(config: timely::Config, timeout: Option<std::time::Duration>) -> i32 {
    let mut run = match EpochRun::start(config, timeout) {
        Ok(run) => run,
        Err(error) => fail(&[format!("timely did not start: {error}")]),
    };
    println!("@ready");
    let feeder = run.feeder();
    run.close();
    thread::spawn(move || {
        let mut epoch = Vec::new();
        for line in io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line == END_OF_EPOCH {
                feeder.feed(std::mem::take(&mut epoch));
            } else {
                epoch.push(line);
            }
        }
        if !epoch.is_empty() {
            feeder.feed(epoch);
        }
        // Dropping the feeder closes the feed: the workers finish.
    });
    loop {
        match run.next_epoch(None) {
            Ok(Some(result)) => print_epoch(&result),
            Ok(None) => break,
            Err(error) => fail(&[error]),
        }
    }
    match run.finish(None) {
        Ok(_) => 0,
        Err(error) => fail(&[error]),
    }
}
// ANCHOR_END: stream

fn print_epoch(result: &EpochResult) {
    let mut out = io::stdout().lock();
    for (word, n) in &result.counts {
        let _ = writeln!(out, "@epoch {} {word} {n}", result.epoch);
    }
    let _ = writeln!(out, "@complete {}", result.epoch);
    let _ = out.flush();
}

/// Waits for timely to finish cleanly (with several processes, each sends the others its last
/// messages and a clean end), then returns 0, or fails.
fn finish<T: Send + 'static>(guards: timely::communication::WorkerGuards<T>) -> i32 {
    match catch_panic(|| guards.join()) {
        Ok(results) if results.iter().all(Result::is_ok) => 0,
        Ok(_) | Err(_) => fail(&["timely did not shut down cleanly".to_string()]),
    }
}

// ANCHOR: fail
/// Prints `errors`, and what the threads of timely reported when they panicked, then ends the
/// process with status 1 at once: no thread is joined, since a thread waiting for a peer that
/// is gone would wait forever.
pub fn fail(errors: &[String]) -> ! {
    let _ = io::stdout().flush();
    let mut panics = lock(&PANICS).clone();
    panics.dedup();
    let mut err = io::stderr().lock();
    for error in errors {
        let _ = writeln!(err, "error: {error}");
    }
    for panic in &panics {
        let _ = writeln!(err, "error: {panic}");
    }
    if panics
        .iter()
        .any(|p| p.contains("timely communication error"))
    {
        let _ = writeln!(
            err,
            "error: the connection to another process of the computation broke (it crashed, \
             was killed, or the network failed); timely does not recover from a lost process, \
             so this one stops too"
        );
    }
    let _ = err.flush();
    process::exit(1)
}
// ANCHOR_END: fail

/// The panics of threads other than `main`: `thread name: message`.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records the panics of every thread but `main`, instead of printing them: [`fail`] reports
/// them, after the error they led to. Timely's communication threads (`timely:recv-N`,
/// `timely:send-N`) panic when a connection breaks, and the workers then panic too.
fn record_panics() {
    let print = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = thread::current();
        match thread.name() {
            Some("main") => print(info),
            name => {
                let message = count::panic_message(info.payload());
                lock(&PANICS).push(format!("{}: {message}", name.unwrap_or("a thread")));
            }
        }
    }));
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Parses the `@count` lines of `wordcount`'s output (other lines are ignored).
pub fn parse_counts(stdout: &[String]) -> Result<Counts, String> {
    let mut counts = Counts::new();
    for line in stdout {
        if let Some(rest) = line.strip_prefix("@count ") {
            let (word, n) = parse_word_count(rest, line)?;
            if counts.insert(word.clone(), n).is_some() {
                return Err(format!("{word:?} is counted twice in one process's output"));
            }
        }
    }
    Ok(counts)
}

/// Parses the `@epoch K …` lines of `wordcount --stream`'s output: the counts of each epoch.
pub fn parse_epochs(stdout: &[String]) -> Result<BTreeMap<u64, Counts>, String> {
    let mut epochs: BTreeMap<u64, Counts> = BTreeMap::new();
    for line in stdout {
        if let Some(rest) = line.strip_prefix("@epoch ") {
            let (epoch, rest) = rest
                .split_once(' ')
                .ok_or_else(|| format!("malformed line {line:?}"))?;
            let epoch: u64 = epoch
                .parse()
                .map_err(|_| format!("malformed line {line:?}"))?;
            let (word, n) = parse_word_count(rest, line)?;
            epochs.entry(epoch).or_default().insert(word, n);
        }
    }
    Ok(epochs)
}

fn parse_word_count(rest: &str, line: &str) -> Result<(String, u64), String> {
    let (word, n) = rest
        .rsplit_once(' ')
        .ok_or_else(|| format!("malformed line {line:?}"))?;
    let n = n.parse().map_err(|_| format!("malformed line {line:?}"))?;
    Ok((word.to_string(), n))
}
