//! Helpers for this lab's tests only. This folder is not a test target of its own. The general
//! helpers (bounded waits, deliberate panics) come from `lab_support`.
//!
//! Two kinds of test live here:
//!
//! - **On paused time, with the simulated server** ([`on_paused_time`]): Tokio's clock stands
//!   still and jumps to the next timer only when every task of the runtime is waiting. That makes
//!   [`settle`] possible: it returns once nothing more can happen before an hour of (virtual) time,
//!   which is how a test proves that something does *not* happen (the fetcher fetches no more)
//!   without guessing how long to wait. The whole test is bounded in real time instead.
//! - **On real time, with the real server** (`#[tokio::test]`): every wait goes through
//!   `lab_support::tokio::within_patience`.
//!
//! The CPU stage's work in the tests is a [`Gate`]: it records on which thread it runs, and the
//! test decides when it may finish, so that "the CPU stage is saturated" is a fact, not a timing.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::collections::HashSet;
use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use lab_pipeline::config::{Config, Policy};
use lab_pipeline::http::FetchError;
use lab_pipeline::item::{Done, ItemError, Outcome, Work};
use lab_pipeline::line::line;
use lab_pipeline::routes::{Stats, body_for, path_of};
use lab_pipeline::transform::summarise;
use lab_support::{PATIENCE, lock, within};
use rayon::{ThreadPool, ThreadPoolBuilder};
use tokio::sync::watch;

/// Runs the async `test` on a fresh current-thread runtime whose clock starts paused, and fails
/// if it has not finished within [`PATIENCE`] of real time, saying that `what` is stuck.
pub fn on_paused_time<F, Fut>(what: &str, test: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    within(what, PATIENCE, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a Tokio runtime");
        runtime.block_on(test());
    });
}

/// On paused time: returns once every task of the runtime is waiting and no timer is due within
/// an hour (Tokio advances a paused clock only when nothing else can run). Nothing the pipeline
/// does with the simulated server can happen after that until the test changes something.
///
/// Only sound while no CPU work is running on the pool unblocked: the pool's threads are outside
/// the runtime, and the clock may jump while they compute. The tests settle when the CPU work is
/// held at a [`Gate`], or when nothing they check depends on it.
pub async fn settle() {
    tokio::time::sleep(Duration::from_secs(3600)).await;
}

/// Awaits `future` while a ticker keeps Tokio's paused clock from jumping far ahead.
///
/// On paused time the clock jumps to the next timer whenever the runtime has nothing to do, and
/// the runtime has nothing to do while it waits for the CPU pool (its threads are outside the
/// runtime). Without the ticker, such a wait could jump straight to a fetch's time limit and
/// time the fetch out. With it, each jump is 1 ms, and the year-long limits of [`config`] stay far
/// out of reach (on real time, the ticker only wakes the test up every millisecond).
pub async fn meanwhile<T>(future: impl Future<Output = T>) -> T {
    let ticking = async {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        biased;
        value = future => value,
        never = ticking => never,
    }
}

/// A rayon pool of `threads` threads named `cpu-0`, `cpu-1`, ….
pub fn cpu_pool(threads: usize) -> Arc<ThreadPool> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("cpu-{i}"))
        .build()
        .expect("a rayon pool");
    Arc::new(pool)
}

/// Bounds for a test: `in_flight`, `hand_over` and `window`, and a policy of one attempt with a
/// year to answer (nothing times out unless a test says so; see [`meanwhile`]).
pub fn config(in_flight: usize, hand_over: usize, window: usize) -> Config {
    Config {
        in_flight,
        hand_over,
        window,
        policy: Policy {
            timeout: Duration::from_secs(365 * 24 * 3600),
            attempts: 1,
            backoff: Duration::from_millis(100),
        },
    }
}

/// The paths `/{prefix}/0`, `/{prefix}/1`, ….
pub fn paths(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("/{prefix}/{i}")).collect()
}

/// What the tests' CPU work makes of a body: the body's fetch error, or [`summarise`] with one
/// round.
pub fn expected_outcome(body: Result<Vec<u8>, FetchError>) -> Outcome {
    let body = body.map_err(ItemError::Fetch)?;
    summarise(&body, 1).map_err(ItemError::Transform)
}

/// The line of item `index` at `url` with `outcome`, with its newline.
pub fn expected_line(index: usize, url: &str, outcome: Outcome) -> String {
    let done = Done {
        index,
        url: url.to_owned(),
        outcome,
    };
    format!("{}\n", line(&done))
}

/// The line of a successful item fetched from `url` (body [`body_for`] of its path).
pub fn ok_line(index: usize, url: &str) -> String {
    expected_line(
        index,
        url,
        expected_outcome(Ok(body_for(path_of(url)).into_bytes())),
    )
}

/// The path a body was served for, read from its first line (`the resource at PATH`).
fn path_in(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let first = text.lines().next()?;
    first.strip_prefix("the resource at ").map(str::to_owned)
}

/// What the gate has seen.
#[derive(Debug, Clone, Default)]
pub struct GateStats {
    /// Work started, in total.
    pub entered: usize,
    /// Work started and not finished.
    pub inside: usize,
    /// The largest `inside` has been.
    pub max_inside: usize,
    /// Work finished.
    pub finished: usize,
    /// The paths of the bodies worked on, in the order the work started.
    pub paths: Vec<String>,
    /// The name of a thread that was not one of the CPU pool's, if the work ever ran on one.
    pub wrong_thread: Option<String>,
}

struct GateState {
    open: bool,
    held: HashSet<String>,
}

/// The CPU work of a test: it waits (on the pool's thread) until the test lets it through, then
/// returns [`expected_outcome`] of its body. It counts what it does, and notices work that runs
/// on a thread that is not one of the pool's (that work is not held, so that the test fails with
/// a message instead of a stalled runtime).
pub struct Gate {
    pool: Arc<ThreadPool>,
    state: Mutex<GateState>,
    changed: Condvar,
    seen: watch::Sender<GateStats>,
}

impl Gate {
    /// A gate that holds every body until [`Gate::open`].
    pub fn closed(pool: &Arc<ThreadPool>) -> Arc<Gate> {
        Gate::new(pool, false, &[])
    }

    /// A gate that lets everything through at once.
    pub fn open_from_the_start(pool: &Arc<ThreadPool>) -> Arc<Gate> {
        Gate::new(pool, true, &[])
    }

    /// A gate that holds only the bodies of `paths`, until [`Gate::open`].
    pub fn holding(pool: &Arc<ThreadPool>, paths: &[&str]) -> Arc<Gate> {
        Gate::new(pool, true, paths)
    }

    fn new(pool: &Arc<ThreadPool>, open: bool, held: &[&str]) -> Arc<Gate> {
        Arc::new(Gate {
            pool: Arc::clone(pool),
            state: Mutex::new(GateState {
                open,
                held: held.iter().map(|p| (*p).to_owned()).collect(),
            }),
            changed: Condvar::new(),
            seen: watch::Sender::new(GateStats::default()),
        })
    }

    /// Lets everything through, now and from now on.
    pub fn open(&self) {
        let mut state = lock(&self.state);
        state.open = true;
        state.held.clear();
        self.changed.notify_all();
    }

    pub fn stats(&self) -> GateStats {
        self.seen.borrow().clone()
    }

    /// Waits until the gate's counters satisfy `condition` (see [`meanwhile`]), failing at once if
    /// work ran on a thread that is not the pool's. Not bounded by itself: on paused time the
    /// whole test is; on real time, wrap it in `lab_support::tokio::within_patience`.
    pub async fn wait_until(&self, condition: impl Fn(&GateStats) -> bool) -> GateStats {
        let mut seen = self.seen.subscribe();
        let stats = meanwhile(seen.wait_for(|s| s.wrong_thread.is_some() || condition(s)))
            .await
            .expect("the gate is alive")
            .clone();
        assert_no_wrong_thread(&stats);
        stats
    }

    /// The work to give the pipeline.
    pub fn work(self: &Arc<Self>) -> Work {
        let gate = Arc::clone(self);
        Arc::new(move |body| gate.pass(body))
    }

    fn pass(&self, body: Result<Vec<u8>, FetchError>) -> Outcome {
        let path = body.as_deref().ok().and_then(path_in).unwrap_or_default();
        if self.pool.current_thread_index().is_none() {
            let thread = std::thread::current();
            let name = thread
                .name()
                .unwrap_or("a thread without a name")
                .to_owned();
            self.seen.send_modify(|s| {
                s.wrong_thread.get_or_insert(name);
            });
            return expected_outcome(body);
        }
        self.seen.send_modify(|s| {
            s.entered += 1;
            s.inside += 1;
            s.max_inside = s.max_inside.max(s.inside);
            s.paths.push(path.clone());
        });
        {
            let state = lock(&self.state);
            // Bounded, so that a failing test does not leave the pool's threads stuck for ever.
            let _ = self
                .changed
                .wait_timeout_while(state, 3 * PATIENCE, |s| !s.open || s.held.contains(&path));
        }
        let outcome = expected_outcome(body);
        self.seen.send_modify(|s| {
            s.inside -= 1;
            s.finished += 1;
        });
        outcome
    }
}

pub fn assert_no_wrong_thread(stats: &GateStats) {
    if let Some(thread) = &stats.wrong_thread {
        panic!(
            "the CPU work ran on the thread {thread:?}, which is not one of the CPU pool's threads \
             (cpu-0, cpu-1, …): CPU work must run on the pool, never on the async runtime's \
             threads, where it would stall every task sharing them"
        );
    }
}

struct OutState {
    bytes: Vec<u8>,
    flushed: usize,
    fail: bool,
}

/// An output that the test can read while the code under test writes to it. Clones share it.
#[derive(Clone)]
pub struct SharedOut {
    state: Arc<Mutex<OutState>>,
    lines: Arc<watch::Sender<usize>>,
}

impl SharedOut {
    pub fn new() -> SharedOut {
        SharedOut::with_failure(false)
    }

    /// An output on which every write fails.
    pub fn failing() -> SharedOut {
        SharedOut::with_failure(true)
    }

    fn with_failure(fail: bool) -> SharedOut {
        SharedOut {
            state: Arc::new(Mutex::new(OutState {
                bytes: Vec::new(),
                flushed: 0,
                fail,
            })),
            lines: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.state).bytes).into_owned()
    }

    /// Everything written and then flushed.
    pub fn flushed_text(&self) -> String {
        let state = lock(&self.state);
        String::from_utf8_lossy(&state.bytes[..state.flushed]).into_owned()
    }

    /// How many complete lines have been written.
    pub fn line_count(&self) -> usize {
        *self.lines.borrow()
    }

    /// Waits until at least `count` lines have been written. Not bounded by itself (see
    /// [`Gate::wait_until`]).
    pub async fn wait_for_lines(&self, count: usize) {
        let mut lines = self.lines.subscribe();
        meanwhile(lines.wait_for(|&n| n >= count))
            .await
            .expect("the output is alive");
    }
}

impl Write for SharedOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = lock(&self.state);
        if state.fail {
            return Err(io::Error::other("the disk is full (on purpose)"));
        }
        state.bytes.extend_from_slice(buf);
        let lines = state.bytes.iter().filter(|&&b| b == b'\n').count();
        self.lines.send_replace(lines);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut state = lock(&self.state);
        state.flushed = state.bytes.len();
        Ok(())
    }
}

/// Waits (in real time, bounded) until the counters seen by `stats` satisfy `condition`; fails
/// with `expected` and the counters otherwise.
pub async fn wait_for_stats(
    mut stats: watch::Receiver<Stats>,
    expected: &str,
    condition: impl Fn(&Stats) -> bool,
) -> Stats {
    let waited = tokio::time::timeout(PATIENCE, stats.wait_for(|s| condition(s)))
        .await
        .map(|seen| seen.map(|s| *s));
    match waited {
        Ok(Ok(seen)) => seen,
        _ => panic!(
            "waited {PATIENCE:?} for the server to see this: {expected}; it never did. The \
             server's counters: {:?}",
            *stats.borrow()
        ),
    }
}
