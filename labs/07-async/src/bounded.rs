//! Exercise 7.3: many requests at once, but never more than a limit.

use std::net::SocketAddr;

use crate::http::FetchError;

// ANCHOR: fetch_bounded
/// Fetches every path with at most `limit` requests in flight at any moment, and returns the
/// results in the order of `paths`.
///
/// A request is in flight from the moment it is sent until its answer has been read in full.
/// As soon as one finishes, the next waiting path may start, so `limit` requests are in flight
/// whenever at least `limit` are left.
///
/// # Panics
///
/// If `limit` is 0 (nothing could ever run); with the same payload if a task panics.
pub async fn fetch_bounded(
    addr: SocketAddr,
    paths: &[&str],
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    todo!(
        "7.3: like fetch_all, but each request holds a semaphore permit — see the chapter, Exercise 7.3"
    )
}
// ANCHOR_END: fetch_bounded
