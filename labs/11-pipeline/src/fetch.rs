//! Exercise 11.1: the fetch stage. One URL with a time limit per attempt and retries with a
//! growing pause; then every URL, at most `K` at a time, handed over to the CPU stage.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Policy};
use crate::http::{Fetch, FetchError};
use crate::item::Fetched;

// ANCHOR: fetch_with_retry
/// Fetches `url` with `fetcher`, trying at most `policy.attempts` times, and returns the first
/// body it gets or, if every attempt failed, the last attempt's error.
///
/// - Each attempt gets at most `policy.timeout`. An attempt still running then is abandoned (its
///   future dropped, so the request is cancelled) and fails with `FetchError::TimedOut`.
/// - After an attempt that failed with a *transient* error ([`FetchError::is_transient`]), it
///   pauses, then tries again: `policy.backoff` before the second attempt, twice that before the
///   third, four times before the fourth, and so on. It pauses on Tokio's clock, without blocking
///   the thread. There is no pause after the last attempt.
/// - Any other error (a `404`, a malformed answer) is returned at once, without another attempt.
pub async fn fetch_with_retry<F: Fetch>(
    fetcher: &F,
    url: &str,
    policy: &Policy,
) -> Result<Vec<u8>, FetchError> {
    todo!(
        "11.1: a timeout around each attempt, a doubling pause between them — see the chapter, Exercise 11.1"
    )
}
// ANCHOR_END: fetch_with_retry

// ANCHOR: fetch_stage
/// Fetches every URL of `urls` with [`fetch_with_retry`] (with `config.policy`) and hands each
/// one over to the CPU stage through `to_cpu`, as a [`Fetched`] with its index in `urls`.
///
/// - **Admission, in input order.** Before it starts item `i`, it takes one permit from `window`
///   (waiting for one if there is none) and never gives it back: the writer does, when it has
///   written the item's line (Exercise 11.3). Items are admitted in the order of `urls`.
/// - **At most `config.in_flight` at once.** An item counts from the start of its fetch until
///   `to_cpu` has taken it: when the channel is full, the item waits there, still counted, and
///   the stage starts nothing new. Within that bound it works as fast as it can: it starts item
///   `i` as soon as item `i` has its window permit and fewer than `config.in_flight` items are
///   counted, without waiting for the items before it to finish.
/// - **Errors stay with their item.** A URL that fails after every attempt is handed over like
///   any other, with its error as its `body`; the stage goes on with the others.
/// - **Cancellation** (tested with Exercise 11.4). When `cancel` is cancelled, it starts
///   nothing more, drops the fetches it has in progress at once (their requests are cancelled,
///   their connections closed) and returns.
///
/// Otherwise it returns when every item has been handed over.
pub async fn fetch_stage<F: Fetch>(
    fetcher: Arc<F>,
    urls: Vec<String>,
    config: Config,
    window: Arc<Semaphore>,
    to_cpu: mpsc::Sender<Fetched>,
    cancel: CancellationToken,
) {
    todo!(
        "11.1: admit each item with a window permit, keep at most K in flight, hand each over — see the chapter, Exercise 11.1"
    )
}
// ANCHOR_END: fetch_stage
