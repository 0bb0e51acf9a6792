//! Exercise 7.1: fetch one resource with an `async fn`, then several, one after another.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::http::{FetchError, parse_response, request_for};

// ANCHOR: fetch
/// Fetches `path` from the server at `addr`: connects, sends [`request_for`]`(path)`, reads the
/// answer to the end of the stream and returns [`parse_response`] of it.
///
/// Every failure is an `Err`, never a panic: a refused connection or a broken stream is
/// `FetchError::Io`, a status other than 200 is `FetchError::Status`.
pub async fn fetch(addr: SocketAddr, path: &str) -> Result<String, FetchError> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&request_for(path)).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    parse_response(&response)
}
// ANCHOR_END: fetch

// ANCHOR: fetch_sequential
/// Fetches every path in turn: the request for a path is sent only once the answer to the
/// previous one has been read. The results are in the order of `paths`, one per path.
pub async fn fetch_sequential(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    let mut results = Vec::with_capacity(paths.len());
    for path in paths {
        results.push(fetch(addr, path).await);
    }
    results
}
// ANCHOR_END: fetch_sequential
