//! Exercise 1.4: a background worker that reports progress over a channel, so the foreground
//! thread stays free to do other things (and to say "keep going" or "stop").

use std::sync::mpsc::{Receiver, Sender};
use std::thread::JoinHandle;

// ANCHOR: types
/// A message from the background worker to the foreground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// `done` of the `total` items are finished.
    Progress { done: usize, total: usize },
    /// Every item is finished; `result` is the sum of `work(item)` over all of them.
    Finished { result: u64 },
    /// The worker stopped early, after `done` items, because it was told to.
    Cancelled { done: usize },
}

/// The foreground's answer to each [`Update::Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Go on with the next item.
    Continue,
    /// Stop now.
    Cancel,
}

/// The foreground's side of a running job.
#[derive(Debug)]
pub struct BackgroundJob {
    /// Updates from the worker, in the order it sent them. The channel closes when the worker
    /// is done (its `Sender` is dropped).
    pub updates: Receiver<Update>,
    /// Answers to the worker.
    pub commands: Sender<Command>,
    /// The worker thread.
    pub handle: JoinHandle<()>,
}
// ANCHOR_END: types

// ANCHOR: start_job
/// Starts a worker thread that calls `work` on each of `items` in order, and returns at once,
/// without waiting for the worker to do anything.
///
/// The worker and the foreground take turns, so the foreground can act between updates:
///
/// 1. After each item the worker sends `Progress { done, total }` (`done` counts from 1) and
///    then waits for a [`Command`]. It does not start the next item before the answer comes.
/// 2. On `Continue` it goes on. On `Cancel`, or if the `commands` channel is closed, it sends
///    `Cancelled { done }` and stops.
/// 3. After the `Continue` that answers the last `Progress` (at once, if `items` is empty) it
///    sends `Finished { result }`, the sum of `work(item)`.
/// 4. When it stops, for whatever reason, it drops its `Sender<Update>`, so the foreground's
///    `updates` channel closes.
/// 5. If an update cannot be sent because the foreground has dropped `updates`, nobody is
///    listening: the worker stops at once (it does not wait for a command), and its thread ends
///    normally, without a panic.
pub fn start_job<F>(items: Vec<u64>, work: F) -> BackgroundJob
where
    F: FnMut(u64) -> u64 + Send + 'static,
{
    todo!("1.4: spawn the worker and connect it with two channels — see the chapter, Exercise 1.4")
}
// ANCHOR_END: start_job
