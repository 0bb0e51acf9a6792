//! Exercise 11.2: the hand-over from async to CPU. Items arrive on a bounded Tokio channel; the
//! work runs on a rayon pool; results go on to the writer through another channel.

use std::sync::Arc;

use rayon::ThreadPool;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::item::{Done, Fetched, Work};

// ANCHOR: cpu_stage
/// Takes the fetched items off `from_fetch`, does `work` on each item's body on a thread of
/// `pool`, and sends the outcome to `to_writer` as a [`Done`] with the item's index and URL.
///
/// - **On the pool.** `work` runs on one of `pool`'s threads, never on a thread of the async
///   runtime (nor on Tokio's blocking pool): it is CPU work, and on a runtime thread it would
///   stall every task that shares the thread.
/// - **As much as the pool can take, no more.** It runs up to `pool.current_num_threads()` items
///   at once, and takes items off `from_fetch` only as it can start them: at any moment, the
///   items it has taken and not yet finished are at most the pool's threads plus one. So when the
///   pool is busy, the items wait in the channel, the channel fills up, and the fetch stage has to
///   wait: that is the backpressure.
/// - **The end.** When `from_fetch` is closed and empty, it returns, once every item it took has
///   been worked on and sent to `to_writer`.
/// - **Cancellation** (tested with Exercise 11.4). When `cancel` is cancelled, it takes no
///   more items (those left in the channel are dropped, never worked on), waits for the work it
///   has started to finish, sends those outcomes to `to_writer`, and returns.
///
/// If the receiver of `to_writer` is gone, outcomes are dropped.
pub async fn cpu_stage(
    from_fetch: mpsc::Receiver<Fetched>,
    pool: Arc<ThreadPool>,
    work: Work,
    to_writer: mpsc::Sender<Done>,
    cancel: CancellationToken,
) {
    todo!(
        "11.2: a free worker, then an item, then rayon; the outcome back through a channel — see the chapter, Exercise 11.2"
    )
}
// ANCHOR_END: cpu_stage
