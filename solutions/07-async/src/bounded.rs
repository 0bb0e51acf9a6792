//! Exercise 7.3: many requests at once, but never more than a limit.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::concurrent::collect_in_order;
use crate::fetch::fetch;
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
    assert!(limit > 0, "fetch_bounded needs a limit of at least 1");
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for (index, path) in paths.iter().enumerate() {
        let path = path.to_string();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            // Held until the end of the task: the request is in flight while we hold it.
            let _permit = permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            (index, fetch(addr, &path).await)
        });
    }
    collect_in_order(tasks, paths.len()).await
}
// ANCHOR_END: fetch_bounded
