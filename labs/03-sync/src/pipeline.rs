//! Exercise 3.4: fan-out / fan-in over bounded crossbeam channels.

use std::thread;

use crossbeam_channel::bounded;

// ANCHOR: parallel_map
/// Calls `work` on every item of `inputs` on `workers` threads, and returns the results in input
/// order.
///
/// The shape is a pipeline with three stages, each on its own thread(s):
///
/// 1. a *feeder* thread pulls items from `inputs` (lazily, one at a time) and sends each, with its
///    index, into a job channel made with `crossbeam_channel::bounded(capacity)`;
/// 2. `workers` threads receive jobs, call `work`, and send `(index, result)` into a result
///    channel (*fan-out*: many threads share one receiver);
/// 3. the calling thread receives every result (*fan-in*: many threads share one sender) and
///    puts them back in input order.
///
/// End of stream is *disconnection*: when the feeder has sent everything it drops its sender, so
/// the workers' receive loops end; when the last worker is done the result channel disconnects,
/// so the caller's receive loop ends. No sentinel values, no counting.
///
/// Backpressure: the feeder never runs more than `capacity` items ahead of the workers, because
/// its `send` blocks while the job channel is full. At most `capacity + 1` items have been pulled
/// from `inputs` but not yet handed to `work`.
///
/// # Panics
///
/// If `workers` or `capacity` is 0, or if `work` panics (the panic is re-raised once every thread
/// has stopped).
pub fn parallel_map<I, T, R, F>(inputs: I, workers: usize, capacity: usize, work: F) -> Vec<R>
where
    I: IntoIterator<Item = T>,
    I::IntoIter: Send,
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    todo!(
        "3.4: a feeder thread, `workers` worker threads and two bounded channels; collect in input order — see the chapter, Exercise 3.4"
    )
}
// ANCHOR_END: parallel_map
