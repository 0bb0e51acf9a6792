//! The overlap made visible: the same twelve URLs done in two phases (every fetch, then every
//! computation) and by the pipeline, drawn as timelines from a real run, one row per URL.
//!
//! The transform is calibrated to about 60 ms of CPU per body, on two CPU workers; the program
//! measures how long the twelve computations really take here and now, and gives the server the
//! latency that makes the fetches, two at a time, take as long. So each stage alone takes about
//! the same time, and the pipeline should take about half as long as the two phases.
//!
//! Run it once your pipeline works (Exercises 11.1 to 11.5):
//! `cargo run --release -p lab-pipeline --example timeline`. It prints Markdown: the drawings in
//! a fenced block.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use lab_pipeline::baseline::fetch_then_compute;
use lab_pipeline::config::Config;
use lab_pipeline::http::{Fetch, FetchError, HttpClient};
use lab_pipeline::item::{Done, Work};
use lab_pipeline::outcome::work_for;
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::body_for;
use lab_pipeline::server::Server;
use lab_pipeline::transform::{Transform, calibrate, summarise};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;
use tokio_util::sync::CancellationToken;

const ITEMS: usize = 12;
const CPU_PER_ITEM: Duration = Duration::from_millis(60);
const IN_FLIGHT: usize = 2;
const CPU_WORKERS: usize = 2;
/// The widest drawing, in columns.
const COLUMNS: u128 = 72;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Fetching,
    Computing,
}

/// When things happened to each item, from the start of a run.
struct Recorder {
    origin: Mutex<Instant>,
    spans: Mutex<Vec<(usize, Activity, Duration, Duration)>>,
    written: Mutex<HashMap<usize, Duration>>,
}

impl Recorder {
    fn new() -> Arc<Recorder> {
        Arc::new(Recorder {
            origin: Mutex::new(Instant::now()),
            spans: Mutex::new(Vec::new()),
            written: Mutex::new(HashMap::new()),
        })
    }

    fn restart(&self) {
        *lock(&self.origin) = Instant::now();
        lock(&self.spans).clear();
        lock(&self.written).clear();
    }

    fn now(&self) -> Duration {
        lock(&self.origin).elapsed()
    }

    fn span(&self, item: usize, activity: Activity, start: Duration) {
        let end = self.now();
        lock(&self.spans).push((item, activity, start, end));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The item number in a URL or a body: the last number of `/item/N`.
fn item_of(text: &str) -> usize {
    let at = text.find("/item/").expect("an item path") + "/item/".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("an item number")
}

// ANCHOR: timed
/// A fetcher that records when each fetch starts and ends.
struct Timed {
    recorder: Arc<Recorder>,
}

impl Fetch for Timed {
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let start = self.recorder.now();
        let body = HttpClient.fetch(url).await;
        self.recorder.span(item_of(url), Activity::Fetching, start);
        body
    }
}

/// `work`, recording when it starts and ends on each body.
fn timed_work(work: Work, recorder: Arc<Recorder>) -> Work {
    Arc::new(move |body| {
        let item = body
            .as_deref()
            .map(|b| item_of(&String::from_utf8_lossy(b)))
            .unwrap_or(usize::MAX);
        let start = recorder.now();
        let outcome = work(body);
        recorder.span(item, Activity::Computing, start);
        outcome
    })
}
// ANCHOR_END: timed

/// Draws one row per item: `-` fetching, `#` computing, `.` fetched and waiting (for a CPU
/// worker, or for the lines before it), `|` its line written.
fn draw(title: &str, recorder: &Recorder, total: Duration, column: Duration) {
    let spans = lock(&recorder.spans);
    let written = lock(&recorder.written);
    let per_column = column.as_millis().max(1);
    let columns = (total.as_millis() / per_column) as usize + 1;
    println!("{title}: {:.2} s", total.as_secs_f64());
    for item in 0..ITEMS {
        let mut row = vec![' '; columns];
        let column = |t: Duration| ((t.as_millis() / per_column) as usize).min(columns - 1);
        let fetched = spans
            .iter()
            .filter(|s| s.0 == item && s.1 == Activity::Fetching)
            .map(|s| s.3)
            .max();
        let done = written.get(&item).copied().unwrap_or(total);
        if let Some(fetched) = fetched {
            for cell in &mut row[column(fetched)..column(done)] {
                *cell = '.';
            }
        }
        for &(_, activity, start, end) in spans.iter().filter(|s| s.0 == item) {
            let mark = match activity {
                Activity::Fetching => '-',
                Activity::Computing => '#',
            };
            for cell in &mut row[column(start)..=column(end).max(column(start))] {
                *cell = mark;
            }
        }
        row[column(done)] = '|';
        let row: String = row.into_iter().collect();
        println!("item {item:2} {}", row.trim_end());
    }
    println!();
}

fn main() -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rounds = calibrate(body_for("/item/0").as_bytes(), CPU_PER_ITEM);
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, rounds));
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(CPU_WORKERS)
            .build()
            .expect("a pool"),
    );
    // How long the computations take alone, here and now; then the latency to match.
    let start = Instant::now();
    pool.install(|| {
        (0..ITEMS)
            .into_par_iter()
            .map(|i| transform(body_for(&format!("/item/{i}")).as_bytes()).is_ok())
            .count()
    });
    let compute_only = start.elapsed();
    let latency = compute_only * IN_FLIGHT as u32 / ITEMS as u32;
    let server = runtime.block_on(Server::start(latency))?;
    let urls: Vec<String> = (0..ITEMS)
        .map(|i| server.url(&format!("/item/{i}")))
        .collect();
    let recorder = Recorder::new();
    let fetcher = Arc::new(Timed {
        recorder: Arc::clone(&recorder),
    });
    let work = timed_work(work_for(transform), Arc::clone(&recorder));

    println!("```text");
    println!(
        "{ITEMS} URLs, {IN_FLIGHT} fetches at a time, {} ms of latency each; {CPU_WORKERS} CPU \
         workers, {} ms to compute the {ITEMS} bodies alone",
        latency.as_millis(),
        compute_only.as_millis()
    );
    println!(
        "- fetching   # computing   . fetched, waiting for a worker or for earlier lines   | written"
    );

    recorder.restart();
    let outcomes = fetch_then_compute(
        &runtime,
        &urls,
        Arc::clone(&fetcher),
        IN_FLIGHT,
        &work,
        &pool,
    );
    let total = recorder.now();
    for item in 0..outcomes.len() {
        lock(&recorder.written).insert(item, total);
    }
    let column = total / COLUMNS as u32;
    println!("one column = {} ms\n", column.as_millis());
    draw("fetch then compute (two phases)", &recorder, total, column);

    recorder.restart();
    let stages = Stages {
        fetcher,
        work,
        pool,
        config: Config::new(IN_FLIGHT, CPU_WORKERS),
    };
    let mut sink = io::sink();
    let mut on_line = |done: &Done| {
        let at = recorder.now();
        lock(&recorder.written).insert(done.index, at);
    };
    let report = runtime.block_on(run(
        urls,
        stages,
        &mut sink,
        &mut on_line,
        CancellationToken::new(),
    ))?;
    let total = recorder.now();
    assert_eq!(report.ok, ITEMS, "every item succeeds");
    draw("the pipeline", &recorder, total, column);
    println!("```");
    Ok(())
}
