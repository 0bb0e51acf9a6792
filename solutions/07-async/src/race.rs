//! Exercise 7.5: ask two replicas, keep the first answer, cancel the other request.

use std::net::SocketAddr;

use crate::fetch::fetch;
use crate::http::FetchError;

/// Which of the two replicas answered first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replica {
    Primary,
    Backup,
}

// ANCHOR: race
/// Sends the request for `primary` and the one for `backup` at the same time, both to `addr`, and
/// returns whichever completes first (success or error), with the replica it came from.
///
/// The other request is cancelled at once: its future is dropped, which closes its connection, so
/// the server sees the client hang up. It is not left running in the background.
pub async fn race(
    addr: SocketAddr,
    primary: &str,
    backup: &str,
) -> (Replica, Result<String, FetchError>) {
    tokio::select! {
        result = fetch(addr, primary) => (Replica::Primary, result),
        result = fetch(addr, backup) => (Replica::Backup, result),
    }
}
// ANCHOR_END: race
