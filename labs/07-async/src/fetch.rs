//! Exercise 7.1: fetch one resource with an `async fn`, then several, one after another.

use std::net::SocketAddr;

use crate::http::FetchError;

// ANCHOR: fetch
/// Fetches `path` from the server at `addr`: connects, sends [`request_for`]`(path)`, reads the
/// answer to the end of the stream and returns [`parse_response`] of it.
///
/// Every failure is an `Err`, never a panic: a refused connection or a broken stream is
/// `FetchError::Io`, a status other than 200 is `FetchError::Status`.
///
/// [`request_for`]: crate::http::request_for
/// [`parse_response`]: crate::http::parse_response
pub async fn fetch(addr: SocketAddr, path: &str) -> Result<String, FetchError> {
    todo!(
        "7.1: connect, send the request, read the answer to the end — see the chapter, Exercise 7.1"
    )
}
// ANCHOR_END: fetch

// ANCHOR: fetch_sequential
/// Fetches every path in turn: the request for a path is sent only once the answer to the
/// previous one has been read. The results are in the order of `paths`, one per path.
pub async fn fetch_sequential(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    todo!("7.1: fetch the paths one after another — see the chapter, Exercise 7.1")
}
// ANCHOR_END: fetch_sequential
