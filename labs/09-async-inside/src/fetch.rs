//! Exercise 9.5: lab 07's fetch logic, run on your own executor against the std line server.

use std::io;
use std::net::SocketAddr;

use crate::executor::Executor;

// ANCHOR: fetch
/// Connects to the line server at `addr`, sends `line`, and returns the line the server answers
/// (without its `\n`), using a [`LineConnection`] of its own. Every failure is an `Err`, never a
/// panic.
///
/// [`LineConnection`]: crate::blocking_io::LineConnection
pub async fn fetch(addr: SocketAddr, line: String) -> io::Result<String> {
    todo!("9.5: connect, send, read the answer — see the chapter, Exercise 9.5")
}
// ANCHOR_END: fetch

// ANCHOR: fetch_all
/// Fetches every line at once: one task per line, spawned on `executor`, all in flight
/// together (a line is sent without waiting for any answer). Returns one result per line, in the
/// order of `lines`, not in the order the answers arrive. No lines, no requests.
pub async fn fetch_all(
    executor: Executor,
    addr: SocketAddr,
    lines: Vec<String>,
) -> Vec<io::Result<String>> {
    todo!("9.5: spawn a task per line, then await the handles — see the chapter, Exercise 9.5")
}
// ANCHOR_END: fetch_all
