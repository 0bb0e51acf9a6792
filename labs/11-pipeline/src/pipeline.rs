//! Exercise 11.4: the whole pipeline, wired, cancellable, and shut down cleanly.

use std::io::{self, Write};
use std::sync::Arc;

use rayon::ThreadPool;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::http::Fetch;
use crate::item::{Done, Work};
use crate::line::Report;

/// What a run is made of (given): where it fetches from, the work of its CPU stage, the pool that
/// work runs on, and its bounds.
pub struct Stages<F> {
    pub fetcher: Arc<F>,
    pub work: Work,
    pub pool: Arc<ThreadPool>,
    pub config: Config,
}

// ANCHOR: run
/// Runs the pipeline on `urls` and writes one line per URL to `out`, in input order; returns what
/// it did.
///
/// - **The wiring.** [`fetch_stage`](crate::fetch::fetch_stage) hands items to
///   [`cpu_stage`](crate::cpu::cpu_stage) through a channel of capacity `config.hand_over`; the
///   CPU stage hands outcomes to [`write_in_order`](crate::reorder::write_in_order); a window of
///   `config.window` permits is shared by the fetch stage (which takes them) and the writer (which
///   gives them back). The three stages run at the same time: the CPU stage starts on the first
///   items while later ones are still being fetched.
/// - **The bounds**, all at once: at most `config.in_flight` items fetching or waiting for the
///   channel, `config.hand_over` in the channel, the pool's threads plus one in the CPU stage,
///   and `config.window` from the start of their fetch to their line.
/// - **Lines.** One per URL, in input order, each written as soon as the lines before it are;
///   `on_line` is called after each one. The report counts each line with [`Report::record`].
/// - **Cancellation.** When `cancel` is cancelled, the fetch stage drops its fetches, the CPU stage
///   takes no more items and finishes the work it started, and the writer writes whatever
///   completes the prefix. `run` returns only once no work it started is still running. If it was
///   cancelled before every line was written, the output ends with the line
///   [`cancelled_marker`](crate::line::cancelled_marker)`(written, total)` and the report says
///   `cancelled: true`.
/// - **Errors.** An item's error is its line, never the run's: `run` returns `Err` only if writing
///   to or flushing `out` fails. It flushes `out` before it returns, cancelled or not.
pub async fn run<F: Fetch, W: Write>(
    urls: Vec<String>,
    stages: Stages<F>,
    out: &mut W,
    on_line: &mut (dyn FnMut(&Done) + Send),
    cancel: CancellationToken,
) -> io::Result<Report> {
    todo!("11.4: wire the stages, then stop them cleanly — see the chapter, Exercise 11.4")
}
// ANCHOR_END: run
