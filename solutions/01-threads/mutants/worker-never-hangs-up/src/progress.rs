//! Exercise 1.4: a background worker that reports progress over a channel, so the foreground
//! thread stays free to do other things (and to say "keep going" or "stop").

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

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

/// Starts a worker thread that calls `work` on each of `items` in order, and returns at once.
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
///    `updates` channel closes. If the foreground has dropped `updates`, the worker stops too.
pub fn start_job<F>(items: Vec<u64>, work: F) -> BackgroundJob
where
    F: FnMut(u64) -> u64 + Send + 'static,
{
    let (update_sender, updates) = mpsc::channel();
    let (commands, command_receiver) = mpsc::channel();
    let handle = thread::spawn(move || run_job(items, work, update_sender, command_receiver));
    BackgroundJob {
        updates,
        commands,
        handle,
    }
}

/// The worker's loop. It owns `updates`, so the channel closes when this function returns.
fn run_job<F>(items: Vec<u64>, mut work: F, updates: Sender<Update>, commands: Receiver<Command>)
where
    F: FnMut(u64) -> u64,
{
    let total = items.len();
    let mut items = items.into_iter();
    let mut result = 0;
    let mut done = 0;
    // Do one item (or report the result), then wait for the next command, until told to stop.
    loop {
        match items.next() {
            Some(item) => {
                result += work(item);
                done += 1;
                let _ = updates.send(Update::Progress { done, total });
            }
            None => {
                let _ = updates.send(Update::Finished { result });
            }
        }
        match commands.recv() {
            Ok(Command::Continue) => {}
            Ok(Command::Cancel) | Err(_) => {
                // If the foreground is gone this send fails; there is nobody left to tell.
                let _ = updates.send(Update::Cancelled { done });
                return;
            }
        }
    }
}
