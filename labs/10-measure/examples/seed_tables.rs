//! Every table of the Python texts this workbook grew from, redone in Rust in one run, side by
//! side with the texts' own figures.
//!
//! - **An album download** (one text: 48 s sequentially, 19 s with 5 threads, 14 s with a process
//!   per core, 14 s with asyncio). The text does not say how many images or how big; here it is
//!   24 requests to lab 07's local server, each answered after 200 ms.
//! - **Five waits of 1 s** (another text: about 5 s, 1 s with a thread pool, 1.5 s with a process
//!   pool), as 5 requests answered after 1 s.
//! - **Three downloads of 2 s** (the same text: 6 s, about 2 s with a thread pool).
//! - **Four CPU-bound jobs**, each the sum of the squares of 5 000 000 numbers (the same text, on
//!   4 cores: about 4 s, 4 s with a thread pool because of Python's global lock, 1 s with a
//!   process pool). Here also with threads behind a simulated global lock, and with rayon.
//!
//! Waiting rows are timed once (they are made of waits and hardly vary); computing rows take
//! turns for 10 runs, and each keeps its fastest. Process pools are started inside the timed
//! part, as in the texts.
//!
//! Run it in release mode (about 35 s):
//!
//! ```console
//! $ cargo run --release -p lab-measure --example seed_tables
//! $ cargo run --release -p lab-measure --example seed_tables -- --markdown out.md   # also to out.md
//! $ cargo run --release -p lab-measure --example seed_tables -- --quick             # every wait 10 times shorter
//! ```

use std::hint::black_box;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use lab_async::http::{FetchError, fetch_blocking, parse_response, request_for};
use lab_async::server::Server;
use lab_async::threaded::{fetch_sequential_blocking, fetch_with_thread_pool};
use lab_measure::kernel::cores;
use rayon::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinSet;

/// Computing rows are timed this many times, taking turns; the fastest run of each counts.
const CPU_RUNS: usize = 10;
/// The CPU-bound jobs: the sum of the squares of 5 000 000 numbers, four times.
const CPU_JOBS: [u64; 4] = [5_000_000; 4];
/// A thread under the simulated global lock holds it for this many numbers at a time.
const GIL_UNIT: u64 = 10_000;

/// One row of a table: how the work was run, the texts' figure for it (if they give one), and
/// how long it took here.
struct Row {
    way: String,
    theirs: Option<f64>,
    ours: Duration,
}

struct Table {
    title: String,
    source: &'static str,
    rows: Vec<Row>,
}

fn main() -> ExitCode {
    // A process of a procspawn pool runs this program again: it must take over right here.
    procspawn::init();
    let options = match Options::from_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("seed_tables: {message}");
            return ExitCode::FAILURE;
        }
    };
    let server_runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the servers");
    let client = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the async clients");
    let scale = if options.quick { 0.1 } else { 1.0 };
    let latency = |ms: u64| Duration::from_millis(ms).mul_f64(scale);

    let load_before = load_average();
    let started = Instant::now();
    let tables = vec![
        io_table(
            &server_runtime,
            &client,
            "An album download: 24 requests, each answered after 200 ms",
            "one text's album of images from an image host",
            24,
            latency(200),
            [48.0, 19.0, 14.0, 14.0],
        ),
        io_table(
            &server_runtime,
            &client,
            "Five waits: 5 requests, each answered after 1 s",
            "another text's I/O benchmark, `httpbin.org/delay/1` five times",
            5,
            latency(1_000),
            [5.0, 1.0, 1.5, f64::NAN],
        ),
        io_table(
            &server_runtime,
            &client,
            "Three downloads: 3 requests, each answered after 2 s",
            "the same text's three simulated downloads of 2 s",
            3,
            latency(2_000),
            [6.0, 2.0, f64::NAN, f64::NAN],
        ),
        cpu_table(),
    ];
    let took = started.elapsed();
    let report = render(&tables, &options, &load_before, &load_average(), took);
    print!("{report}");
    if let Some(path) = &options.markdown {
        let written = std::fs::File::create(path).and_then(|mut f| f.write_all(report.as_bytes()));
        if let Err(e) = written {
            eprintln!("seed_tables: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

// ANCHOR: io_table
/// One of the texts' I/O tables: `requests` requests to a server that answers each after
/// `latency`, fetched one after another, by a pool of 5 threads, by a pool of one process per
/// core, and by async tasks on one thread. `theirs` are the texts' figures in the same order
/// (NaN where they give none).
fn io_table(
    server_runtime: &Runtime,
    client: &Runtime,
    title: &str,
    source: &'static str,
    requests: usize,
    latency: Duration,
    theirs: [f64; 4],
) -> Table {
    let server = server_runtime
        .block_on(Server::start(latency))
        .expect("lab 07's server starts");
    let addr = server.addr();
    let paths: Vec<String> = (0..requests).map(|i| format!("/image/{i}")).collect();
    let borrowed: Vec<&str> = paths.iter().map(String::as_str).collect();
    let processes = cores();

    let ways: [(String, &dyn Fn() -> usize); 4] = [
        ("one after another".to_owned(), &|| {
            failures(fetch_sequential_blocking(addr, &borrowed))
        }),
        ("a pool of 5 threads".to_owned(), &|| {
            failures(fetch_with_thread_pool(addr, &borrowed, 5))
        }),
        (
            format!("a pool of {processes} processes (one per core)"),
            &|| on_process_pool(processes, addr, &paths),
        ),
        ("async tasks on one thread".to_owned(), &|| {
            client.block_on(fetch_all_async(addr, &paths))
        }),
    ];
    let rows = ways
        .iter()
        .zip(theirs)
        .map(|((way, run), theirs)| {
            let start = Instant::now();
            let failed = run();
            let ours = start.elapsed();
            assert_eq!(failed, 0, "{way}: {failed} requests failed");
            Row {
                way: way.clone(),
                theirs: (!theirs.is_nan()).then_some(theirs),
                ours,
            }
        })
        .collect();
    Table {
        title: title.to_owned(),
        source,
        rows,
    }
}
// ANCHOR_END: io_table

fn failures(results: Vec<Result<String, FetchError>>) -> usize {
    results.iter().filter(|r| r.is_err()).count()
}

/// Fetches every path with blocking I/O on a procspawn pool of `size` processes, started (and
/// stopped) here. Returns how many fetches failed.
fn on_process_pool(size: usize, addr: SocketAddr, paths: &[String]) -> usize {
    let pool = procspawn::Pool::new(size).expect("a pool of processes starts");
    let handles: Vec<_> = paths
        .iter()
        .map(|path| {
            pool.spawn((addr, path.clone()), |(addr, path)| {
                fetch_blocking(addr, &path).is_ok()
            })
        })
        .collect();
    let failed = handles
        .into_iter()
        .map(|handle| handle.join().unwrap_or(false))
        .filter(|ok| !ok)
        .count();
    pool.shutdown();
    failed
}

/// Fetches every path at once, as async tasks on the current runtime. Returns how many failed.
async fn fetch_all_async(addr: SocketAddr, paths: &[String]) -> usize {
    let mut tasks = JoinSet::new();
    for path in paths {
        tasks.spawn(fetch_async(addr, path.clone()));
    }
    let mut failed = 0;
    while let Some(result) = tasks.join_next().await {
        if !matches!(result, Ok(Ok(_))) {
            failed += 1;
        }
    }
    failed
}

async fn fetch_async(addr: SocketAddr, path: String) -> Result<String, FetchError> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(&request_for(&path)).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    parse_response(&response)
}

// ANCHOR: cpu_table
/// One way of running the CPU-bound jobs: it returns their sums.
type CpuWay<'a> = dyn Fn() -> Vec<u64> + 'a;

/// The texts' CPU-bound table: four sums of 5 000 000 squares.
fn cpu_table() -> Table {
    let jobs = CPU_JOBS.len();
    let processes = cores();
    let ways: [(String, Option<f64>, &CpuWay<'_>); 5] = [
        ("one after another".to_owned(), Some(4.0), &|| {
            CPU_JOBS.iter().map(|&n| squares(black_box(n))).collect()
        }),
        (format!("a pool of {jobs} threads"), Some(4.0), &|| {
            on_threads(jobs, &CPU_JOBS, |n| squares(black_box(n)))
        }),
        (
            format!("a pool of {jobs} threads behind one global lock"),
            None,
            &|| {
                let gil = Mutex::new(());
                on_threads(jobs, &CPU_JOBS, |n| squares_holding(&gil, black_box(n)))
            },
        ),
        (
            format!("a pool of {processes} processes (one per core)"),
            Some(1.0),
            &|| {
                let pool = procspawn::Pool::new(processes).expect("a pool of processes starts");
                let handles: Vec<_> = CPU_JOBS.iter().map(|&n| pool.spawn(n, squares)).collect();
                let sums = handles
                    .into_iter()
                    .map(|h| h.join().expect("a job in a process"))
                    .collect();
                pool.shutdown();
                sums
            },
        ),
        ("rayon".to_owned(), None, &|| {
            CPU_JOBS
                .par_iter()
                .map(|&n| squares(black_box(n)))
                .collect()
        }),
    ];
    let expected: Vec<u64> = CPU_JOBS.iter().map(|&n| squares(n)).collect();
    // The ways take turns, run after run, so that a busy moment of the machine slows all of them
    // alike; each keeps its fastest run.
    let mut fastest = vec![Duration::MAX; ways.len()];
    for _ in 0..CPU_RUNS {
        for ((way, _, run), fastest) in ways.iter().zip(&mut fastest) {
            let start = Instant::now();
            let sums = run();
            *fastest = (*fastest).min(start.elapsed());
            assert_eq!(sums, expected, "{way} computed other sums");
        }
    }
    let rows = ways
        .iter()
        .zip(fastest)
        .map(|((way, theirs, _), ours)| Row {
            way: way.clone(),
            theirs: *theirs,
            ours,
        })
        .collect();
    Table {
        title: format!(
            "Four CPU-bound jobs: the sum of the squares of 5 000 000 numbers, {jobs} times"
        ),
        source: "another text's CPU benchmark, on a machine with 4 cores",
        rows,
    }
}

/// The sum of the squares of `0..n` (wrapping), on the calling thread.
fn squares(n: u64) -> u64 {
    squares_in_units(n, || ())
}

/// [`squares`], where every unit of work holds `gil`: the way a CPython thread holds the global
/// interpreter lock while it runs Python code.
fn squares_holding(gil: &Mutex<()>, n: u64) -> u64 {
    squares_in_units(n, || gil.lock().unwrap_or_else(PoisonError::into_inner))
}

/// The sum of the squares of `0..n`, [`GIL_UNIT`] numbers at a time. Before each unit it calls
/// `before_unit`, whose result (a lock guard, or nothing) is held while the unit runs: every row
/// of the CPU table runs this same code. Each number goes through [`black_box`]: without it, the
/// compiler replaces the loop with a closed formula and the job takes no time at all.
fn squares_in_units<G>(n: u64, before_unit: impl Fn() -> G) -> u64 {
    let mut sum = 0_u64;
    let mut from = 0;
    while from < n {
        let to = (from + GIL_UNIT).min(n);
        let _held = before_unit();
        sum = (from..to).fold(sum, |sum, x| {
            let x = black_box(x);
            sum.wrapping_add(x.wrapping_mul(x))
        });
        from = to;
    }
    sum
}

/// A pool of `threads` scoped threads that take the next job until none is left; results in the
/// order of `jobs`.
fn on_threads(threads: usize, jobs: &[u64], work: impl Fn(u64) -> u64 + Sync) -> Vec<u64> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<u64>> = jobs.iter().map(|_| Mutex::new(0)).collect();
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&job) = jobs.get(i) else { break };
                    let sum = work(job);
                    *results[i].lock().unwrap_or_else(PoisonError::into_inner) = sum;
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}
// ANCHOR_END: cpu_table

/// The tables as Markdown, with what they were measured on.
fn render(
    tables: &[Table],
    options: &Options,
    load_before: &str,
    load_after: &str,
    took: Duration,
) -> String {
    let mut out = String::new();
    if options.markdown.is_some() {
        out.push_str(&format!(
            "Measured with `{}` on {} ({} cores available), built by {}.\n",
            options.command,
            cpu_model(),
            cores(),
            rustc_version(),
        ));
    }
    out.push_str(&format!(
        "The tables took {:.0} s. Load average (1, 5, 15 min) before them: {load_before}; after: \
         {load_after}.\n",
        took.as_secs_f64(),
    ));
    for table in tables {
        out.push_str(&format!(
            "\n**{}** (the texts: {}).\n\n",
            table.title, table.source
        ));
        out.push_str("| way | the texts, Python | speedup | here, Rust | speedup |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
        let their_base = table.rows[0].theirs;
        let our_base = table.rows[0].ours.as_secs_f64();
        for row in &table.rows {
            let (theirs, their_speedup) = match (row.theirs, their_base) {
                (Some(t), Some(base)) => (format!("{t} s"), format!("{:.1}×", base / t)),
                _ => ("—".to_owned(), "—".to_owned()),
            };
            out.push_str(&format!(
                "| {} | {theirs} | {their_speedup} | {} | {:.1}× |\n",
                row.way,
                human(row.ours),
                our_base / row.ours.as_secs_f64()
            ));
        }
    }
    out
}

/// A duration with three significant figures, in s or ms.
fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.1 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

struct Options {
    markdown: Option<PathBuf>,
    quick: bool,
    /// The command, as a reader would type it again.
    command: String,
}

impl Options {
    fn from_args() -> Result<Options, String> {
        let mut options = Options {
            markdown: None,
            quick: false,
            command: "cargo run --release -p lab-measure --example seed_tables".to_owned(),
        };
        let mut args = std::env::args().skip(1);
        let mut shown = Vec::new();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => {
                    options.quick = true;
                    shown.push(arg);
                }
                "--markdown" => match args.next() {
                    // `--markdown` alone: the tables go to standard output, as always.
                    None => shown.push(arg),
                    Some(path) => {
                        shown.push(format!("--markdown {path}"));
                        options.markdown = Some(PathBuf::from(path));
                    }
                },
                other => {
                    return Err(format!(
                        "unknown argument {other:?} (try --quick, --markdown FILE)"
                    ));
                }
            }
        }
        if !shown.is_empty() {
            options.command = format!("{} -- {}", options.command, shown.join(" "));
        }
        Ok(options)
    }
}

/// `/proc/loadavg`'s first three fields, or "unknown".
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The CPU's model name from `/proc/cpuinfo`, or "an unknown CPU".
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".to_owned())
}

/// What `rustc --version` says (the compiler on the PATH, normally the one that built this).
fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| "an unknown rustc".to_owned())
}
