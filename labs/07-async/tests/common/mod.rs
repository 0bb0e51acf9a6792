//! Helpers shared by the graded tests. This folder is not a test target of its own.
//!
//! Every wait here is bounded by [`PATIENCE`], in real time. The limit never decides whether
//! correct code passes (correct code is done long before it); it only turns a hang into a failure
//! with a message that says what was expected.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use lab_async::server::{Server, Stats};
use tokio::task::JoinHandle;

/// How long a test waits for something that correct code does at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Starts the lab's server with the given latency, or fails the test.
pub async fn start_server(latency: Duration) -> Server {
    Server::start(latency)
        .await
        .unwrap_or_else(|error| panic!("could not start the lab's server: {error}"))
}

/// Waits until the server's counters satisfy `condition` and returns them; fails the test with
/// `expected` and the counters as they were if that does not happen within [`PATIENCE`].
pub async fn wait_for_stats(
    server: &Server,
    expected: &str,
    condition: impl Fn(&Stats) -> bool,
) -> Stats {
    let mut stats = server.watch_stats();
    let waited = tokio::time::timeout(PATIENCE, stats.wait_for(|s| condition(s))).await;
    match waited {
        Ok(Ok(stats)) => *stats,
        _ => panic!(
            "waited {PATIENCE:?} for the server to see this: {expected}; it never did. The \
             server's counters: {:?}",
            server.stats()
        ),
    }
}

/// Like [`wait_for_stats`], while `client` (the task running the code under test) is expected
/// to keep running: if it returns or panics first, the test fails at once, with its result or
/// its panic.
pub async fn wait_for_stats_while<T: Debug>(
    server: &Server,
    client: &mut JoinHandle<T>,
    expected: &str,
    condition: impl Fn(&Stats) -> bool,
) -> Stats {
    let mut stats = server.watch_stats();
    let waited = tokio::time::timeout(PATIENCE, async {
        tokio::select! {
            seen = stats.wait_for(|s| condition(s)) => Ok(seen.map(|s| *s)),
            finished = &mut *client => Err(finished),
        }
    })
    .await;
    match waited {
        Ok(Ok(Ok(stats))) => stats,
        Ok(Err(Ok(value))) => panic!(
            "the code under test returned {value:?} before the server saw this: {expected}. \
             The server's counters: {:?}",
            server.stats()
        ),
        Ok(Err(Err(error))) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        _ => panic!(
            "waited {PATIENCE:?} for the server to see this: {expected}; it never did. The \
             server's counters: {:?}",
            server.stats()
        ),
    }
}

/// Awaits `future`, failing the test with `what` if it has not finished within [`PATIENCE`].
pub async fn within_patience<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {PATIENCE:?}"))
}

/// The paths `/{prefix}/0`, `/{prefix}/1`, ….
pub fn paths(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("/{prefix}/{i}")).collect()
}

/// Borrows every `String` of `paths` as a `&str`.
pub fn as_strs(paths: &[String]) -> Vec<&str> {
    paths.iter().map(String::as_str).collect()
}
