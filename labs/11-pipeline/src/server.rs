//! The lab's real server (given, not an exercise): a tiny HTTP/1.1 server on loopback that
//! answers every request after a delay, and counts what it is doing.
//!
//! It is lab 07's server, copied into this lab (see the maintainers' note at the end of the
//! chapter) with more kinds of path: what each path gets is in [`crate::routes`]. It speaks just
//! enough HTTP for the lab: one `GET` per connection, answered with `Connection: close`.
//!
//! Each request's count is updated before its connection closes, so a client that has read a
//! whole answer (up to end of stream) knows the server no longer counts that request as in
//! flight. A client that hangs up before its answer is complete is counted as *cancelled*.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::routes::{Counters, answer};
pub use crate::routes::{Stats, body_for};

/// A running server. Dropping it stops the server and closes its open connections.
pub struct Server {
    addr: SocketAddr,
    counters: Counters,
    accept_loop: JoinHandle<()>,
}

impl Server {
    /// Starts a server on `127.0.0.1` on a free port, answering every request after `latency`
    /// (except the paths that say otherwise, see [`crate::routes`]).
    ///
    /// Must be called from within a Tokio runtime: the server runs as tasks on it.
    pub async fn start(latency: Duration) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let counters = Counters::new();
        let shared = Shared {
            latency,
            counters: counters.clone(),
        };
        let accept_loop = tokio::spawn(accept_connections(listener, shared));
        Ok(Server {
            addr,
            counters,
            accept_loop,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of `path` on this server: `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        self.counters.stats()
    }

    /// A receiver that sees every change of the counters (`changed().await`, `wait_for(…)`).
    pub fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.counters.watch_stats()
    }

    /// How many requests the server has read for `path` so far.
    pub fn requests_for(&self, path: &str) -> usize {
        self.counters.requests_for(path)
    }

    /// Lets the held request for `path` (a path starting with `/held/`) be answered: now if it is
    /// waiting, at once if it arrives later.
    pub fn release(&self, path: &str) {
        self.counters.release(path);
    }

    /// Lets every held request be answered, now and from now on.
    pub fn release_all(&self) {
        self.counters.release_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.accept_loop.abort();
    }
}

/// What every connection task needs.
#[derive(Clone)]
struct Shared {
    latency: Duration,
    counters: Counters,
}

async fn accept_connections(listener: TcpListener, shared: Shared) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                connections.spawn(serve(stream, shared.clone()));
            }
            // Out of file descriptors, or a connection reset before it was accepted: let other
            // connections finish and try again rather than stopping the server.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        // Forget the connections that have finished.
        while connections.try_join_next().is_some() {}
    }
}

// ANCHOR: serve
/// Serves the one request of one connection.
async fn serve(stream: TcpStream, shared: Shared) {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let Some(path) = read_request_path(&mut reader).await else {
        return; // the client sent no complete request: nothing to count
    };
    let (request, nth) = shared.counters.begin(&path);
    let may_answer = tokio::select! {
        () = shared.counters.wait_before_answering(&path, shared.latency) => true,
        () = hang_up(&mut reader) => false,
    };
    if !may_answer || writer.write_all(&response_for(&path, nth)).await.is_err() {
        return; // dropping `request` counts it as cancelled
    }
    request.served();
    // Only now, with the counters up to date, close the connection: the client reads to its end.
    let _ = writer.shutdown().await;
}
// ANCHOR_END: serve

/// Reads a request head and returns the path of its request line, or `None` if the client
/// closed the connection (or sent something that is not a request) before the blank line.
async fn read_request_path<R>(reader: &mut BufReader<R>) -> Option<String>
where
    R: AsyncRead + Unpin,
{
    const MAX_LINE: u64 = 8 * 1024;
    let mut request_line = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let read = (&mut *reader)
            .take(MAX_LINE)
            .read_line(&mut line)
            .await
            .ok()?;
        if read == 0 || !line.ends_with('\n') {
            return None;
        }
        if line.trim_end().is_empty() {
            break;
        }
        if request_line.is_empty() {
            request_line = line.trim_end().to_owned();
        }
    }
    let mut words = request_line.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("GET"), Some(path), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(path.to_owned())
        }
        _ => None,
    }
}

/// Completes when the client closes its side of the connection (or it fails). Anything the client
/// sends after its request is read and ignored.
async fn hang_up<R>(reader: &mut R)
where
    R: AsyncRead + Unpin,
{
    let mut scratch = [0u8; 512];
    while let Ok(1..) = reader.read(&mut scratch).await {}
}

fn response_for(path: &str, nth: usize) -> Vec<u8> {
    let answer = answer(path, nth);
    let reason = match answer.status {
        200 => "OK",
        404 => "Not Found",
        503 => "Service Unavailable",
        500..=599 => "Server Error",
        _ => "Other",
    };
    let mut response = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.status,
        answer.body.len()
    )
    .into_bytes();
    response.extend_from_slice(&answer.body);
    response
}
