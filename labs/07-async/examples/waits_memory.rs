//! How much memory N waits take, as OS threads or as Tokio tasks:
//!
//! ```console
//! $ cargo run --release -p lab-async --example waits_memory -- threads 10000
//! $ cargo run --release -p lab-async --example waits_memory -- tasks 10000
//! $ cargo run --release -p lab-async --example waits_memory -- table 10000
//! ```
//!
//! `table` runs the other two, each in a process of its own, and prints the Markdown table
//! chapter 07 includes.
//!
//! Starts N waiters, waits until every one of them is running and parked, reads the process's
//! memory from `/proc/self/status` (Linux only), then lets them all finish. `VmRSS` is the memory
//! actually in use; `VmSize` the address space reserved (each thread reserves a whole stack,
//! 2 MiB by default, but uses only the pages it touches). Neither counts what the kernel keeps
//! per thread (its kernel stack and bookkeeping), which is extra for threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};
use std::{env, fs, process, thread};

/// `VmRSS` and `VmSize` of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmSize:"))
}

/// Sizes in KiB as the table shows them: MiB or GiB, and KiB or MiB per waiter.
fn size(kib: u64, count: usize) -> String {
    let total = if kib >= 1 << 20 {
        format!("+{:.1} GiB", kib as f64 / f64::from(1 << 20))
    } else {
        format!("+{:.1} MiB", kib as f64 / 1024.0)
    };
    let each = kib as f64 / count as f64;
    if each >= 1024.0 {
        format!("{total} ({:.1} MiB each)", each / 1024.0)
    } else {
        format!("{total} ({each:.1} KiB each)")
    }
}

fn report(what: &str, count: usize, before: (u64, u64), during: (u64, u64), started: Duration) {
    let rss = during.0.saturating_sub(before.0);
    let size_kib = during.1.saturating_sub(before.1);
    if env::var_os(ROW).is_some() {
        let label = if what == "threads" {
            "OS threads"
        } else {
            "Tokio tasks"
        };
        println!(
            "| {label} | {started:.1?} | {} | {} |",
            size(rss, count),
            size(size_kib, count)
        );
        return;
    }
    println!("{count} {what} started and waiting after {started:?}");
    println!(
        "  VmRSS  +{:>8} KiB  ({:.1} KiB per waiter)",
        rss,
        rss as f64 / count as f64
    );
    println!(
        "  VmSize +{:>8} KiB  ({:.1} KiB per waiter)",
        size_kib,
        size_kib as f64 / count as f64
    );
}

/// A one-shot "go" signal that blocked threads wait on.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

fn with_threads(count: usize) {
    let before = memory_kib();
    let start = Instant::now();
    let waiting = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Gate::default());
    let handles: Vec<_> = (0..count)
        .map(|_| {
            let waiting = Arc::clone(&waiting);
            let gate = Arc::clone(&gate);
            thread::spawn(move || {
                let open = gate.open.lock().unwrap_or_else(PoisonError::into_inner);
                waiting.fetch_add(1, Ordering::SeqCst);
                let _open = gate
                    .opened
                    .wait_while(open, |open| !*open)
                    .unwrap_or_else(PoisonError::into_inner);
            })
        })
        .collect();
    while waiting.load(Ordering::SeqCst) < count {
        thread::sleep(Duration::from_millis(1));
    }
    let started = start.elapsed();
    report("threads", count, before, memory_kib(), started);
    *gate.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
    gate.opened.notify_all();
    for handle in handles {
        handle.join().expect("a waiting thread does not panic");
    }
}

fn with_tasks(count: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        let before = memory_kib();
        let start = Instant::now();
        let waiting = Arc::new(AtomicUsize::new(0));
        let (open, gate) = tokio::sync::watch::channel(false);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..count {
            let waiting = Arc::clone(&waiting);
            let mut gate = gate.clone();
            tasks.spawn(async move {
                waiting.fetch_add(1, Ordering::SeqCst);
                let _ = gate.wait_for(|open| *open).await;
            });
        }
        while waiting.load(Ordering::SeqCst) < count {
            tokio::task::yield_now().await;
        }
        let started = start.elapsed();
        report("tasks", count, before, memory_kib(), started);
        let _ = open.send(true);
        tasks.join_all().await;
    });
}

/// Set (by `table`) in the environment of a run that prints its result as one table row.
const ROW: &str = "WAITS_MEMORY_ROW";

/// The Markdown table chapter 07 includes: each kind measured in a process of its own (the
/// memory of one process must not include the other's), started from this program.
fn table(count: usize) {
    println!(
        "| {count} waiters, all started and parked | time to start | resident memory (`VmRSS`) | address space (`VmSize`) |"
    );
    println!("| --- | ---: | ---: | ---: |");
    let me = env::current_exe().unwrap_or_else(|e| {
        eprintln!("waits_memory: cannot find this program to run it again: {e}");
        process::exit(1)
    });
    for kind in ["threads", "tasks"] {
        let status = process::Command::new(&me)
            .args([kind, &count.to_string()])
            .env(ROW, "1")
            .status()
            .unwrap_or_else(|e| {
                eprintln!("waits_memory: cannot run {}: {e}", me.display());
                process::exit(1)
            });
        if !status.success() {
            eprintln!("waits_memory: the {kind} run failed: {status}");
            process::exit(1);
        }
    }
}

fn main() {
    let mut args = env::args().skip(1);
    let kind = args.next().unwrap_or_default();
    let count = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    match kind.as_str() {
        "threads" => with_threads(count),
        "tasks" => with_tasks(count),
        "table" => table(count),
        _ => {
            eprintln!("usage: waits_memory threads|tasks|table [COUNT]");
            process::exit(2);
        }
    }
}
