//! Exercise 7.2: fetch many resources at once, as tasks in a `JoinSet`.

use std::net::SocketAddr;

use crate::http::FetchError;

// ANCHOR: fetch_all
/// Fetches every path at the same time, each request in a task of its own, and returns the
/// results in the order of `paths` (not the order in which the answers arrive).
///
/// All the requests are in flight together: a request is sent without waiting for any answer.
/// No paths, no requests: the result is empty.
///
/// # Panics
///
/// With the same payload if a task panics.
pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    todo!(
        "7.2: spawn one task per path, then collect the results in input order — see the chapter, Exercise 7.2"
    )
}
// ANCHOR_END: fetch_all
