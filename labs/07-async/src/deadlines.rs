//! Exercise 7.4: time limits per request and for a whole batch, and retrying with a pause.
//!
//! These functions take the fetch to run as an async closure, so that the tests can hand them a
//! simulated fetch that only waits on Tokio's clock (and so runs on paused, virtual time), while a
//! program hands them the real one: `async |path: &str| fetch(addr, path).await`.

use std::fmt;
use std::time::Duration;

use crate::http::FetchError;

/// The whole batch took longer than its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchTimedOut;

impl fmt::Display for BatchTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the batch did not finish within its time limit")
    }
}

impl std::error::Error for BatchTimedOut {}

// ANCHOR: fetch_each_within
/// Fetches the paths one after another with `fetch`, giving each request at most `per_request`
/// and the whole batch at most `whole_batch`.
///
/// - A request that takes longer than `per_request` is abandoned (its future dropped) and its
///   result is `Err(FetchError::TimedOut)`; the batch goes on with the next path.
/// - If the batch as a whole is not done after `whole_batch`, it stops right then, in the middle
///   of a request if need be, and the result is `Err(BatchTimedOut)`.
/// - Otherwise the result has one entry per path, in the order of `paths`.
pub async fn fetch_each_within(
    paths: &[&str],
    fetch: impl AsyncFnMut(&str) -> Result<String, FetchError>,
    per_request: Duration,
    whole_batch: Duration,
) -> Result<Vec<Result<String, FetchError>>, BatchTimedOut> {
    todo!(
        "7.4: a timeout around each request, and one around the whole batch — see the chapter, Exercise 7.4"
    )
}
// ANCHOR_END: fetch_each_within

// ANCHOR: fetch_with_retry
/// Calls `fetch(path)` until it succeeds, at most `attempts` times, and returns the first success
/// or, if every attempt failed, the last error.
///
/// Between two attempts it pauses for `backoff` without blocking the thread, so other tasks run
/// meanwhile; there is no pause after the last attempt.
///
/// # Panics
///
/// If `attempts` is 0.
pub async fn fetch_with_retry(
    path: &str,
    fetch: impl AsyncFnMut(&str) -> Result<String, FetchError>,
    attempts: u32,
    backoff: Duration,
) -> Result<String, FetchError> {
    todo!(
        "7.4: retry with a pause between attempts that does not block the thread — see the chapter, Exercise 7.4"
    )
}
// ANCHOR_END: fetch_with_retry
