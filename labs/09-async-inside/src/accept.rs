//! Exercise 9.8: an accept loop with a task per connection, and a graceful shutdown.

use std::future::Future;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

// ANCHOR: serve
/// Accepts connections on `listener` and runs `handler(stream, token)` for each as a task of its
/// own, so that connections are served concurrently, until `shutdown` is cancelled. Then it shuts
/// down gracefully:
///
/// 1. it stops accepting at once and closes the listening socket, so that new connections are
///    refused (a connection that arrives in the very instant of the shutdown may still be
///    accepted: its handler gets a token that is already cancelled);
/// 2. it waits for every handler still running to finish on its own; none is cancelled or
///    aborted;
/// 3. it returns.
///
/// Each handler gets a token that is cancelled when `shutdown` is (a clone, or a child token),
/// so that it can finish the request in hand and close an idle connection. An error from
/// `accept` (a connection reset before it was accepted, no file descriptors left) does not stop
/// the server; wait a moment before accepting again, so as not to spin while the error lasts.
///
/// Must run inside a tokio runtime.
pub async fn serve<H, F>(listener: TcpListener, shutdown: CancellationToken, handler: H)
where
    H: FnMut(TcpStream, CancellationToken) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    todo!(
        "9.8: accept until shutdown, a tracked task per connection, then wait for them — see the chapter, Exercise 9.8"
    )
}
// ANCHOR_END: serve
