//! Helpers that only this lab's tests need: the lab's server and waits on its counters. The
//! general ones (bounded waits) come from `lab_support`.
//!
//! Every wait here is bounded by [`PATIENCE`], in real time. The limit never decides whether
//! correct code passes (correct code is done long before it); it only turns a hang into a failure
//! with a message that says what was expected.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::fmt::Debug;
use std::time::Duration;

use lab_async::server::{Server, Stats};
use lab_support::PATIENCE;
use lab_support::tokio::within_patience;
use tokio::task::JoinHandle;

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

/// Awaits the task running the code under test, bounded by [`PATIENCE`], and returns its result;
/// a panic in the task fails the test with that panic.
pub async fn finish<T>(what: &str, client: JoinHandle<T>) -> T {
    match within_patience(what, client).await {
        Ok(value) => value,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("{what} did not finish: {error}"),
    }
}

/// Answers held requests one at a time, checking each time that the client has exactly the
/// requests in flight that it should: `limit` of them, or all that are left when fewer are, and
/// never more. Returns once every one of `count` requests has been answered.
pub async fn answer_one_at_a_time<T: Debug>(
    server: &Server,
    client: &mut JoinHandle<T>,
    count: usize,
    limit: usize,
) {
    for answered in 0..count {
        let expected = limit.min(count - answered);
        let stats = wait_for_stats_while(
            server,
            client,
            &format!(
                "{expected} request(s) in flight after {answered} of {count} were answered \
                 (as soon as one finishes, the next may start, up to the limit of {limit})"
            ),
            |s| s.served == answered && s.received == answered + expected,
        )
        .await;
        assert!(
            stats.max_in_flight <= limit,
            "the limit is {limit}, but the server saw {} requests in flight at once",
            stats.max_in_flight
        );
        let held = server.held();
        server.release(&held[0]);
    }
}

/// The paths `/{prefix}/0`, `/{prefix}/1`, ….
pub fn paths(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("/{prefix}/{i}")).collect()
}

/// Borrows every `String` of `paths` as a `&str`.
pub fn as_strs(paths: &[String]) -> Vec<&str> {
    paths.iter().map(String::as_str).collect()
}
