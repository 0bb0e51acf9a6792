//! The lab's server (given, not an exercise): a tiny HTTP/1.1 server on loopback that answers
//! every request after a delay, and counts what it is doing.
//!
//! It speaks just enough HTTP for this lab: one `GET` per connection, answered with
//! `Connection: close`. The path decides the answer:
//!
//! - `/missing…` (any path that starts with `/missing`): `404 Not Found`, after the latency;
//! - `/held/…`: `200 OK`, but only once the test lets it go with [`Server::release`] or
//!   [`Server::release_all`] (the latency does not apply). Tests use held requests to know, without
//!   a clock, that a request is still in flight; [`Server::held`] lists the ones waiting;
//! - anything else: `200 OK` after the latency, with the body [`body_for`]`(path)`.
//!
//! A request is *in flight* from the moment the server has read it until the server has written
//! the whole answer, or until the client hangs up first, which the server counts as *cancelled*.
//! Each request's count is updated before its connection closes, so a client that has read a whole
//! answer (up to end of stream) knows the server no longer counts that request as in flight.

use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// What the server has done so far. Read it with [`Server::stats`] or [`Server::watch_stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests read from clients, in total.
    pub received: usize,
    /// Requests read and not yet answered or abandoned.
    pub in_flight: usize,
    /// The largest value `in_flight` has had.
    pub max_in_flight: usize,
    /// Requests answered in full.
    pub served: usize,
    /// Requests whose client hung up before the answer was written.
    pub cancelled: usize,
}

/// The body of the `200 OK` answer to `path`.
pub fn body_for(path: &str) -> String {
    format!("the resource at {path}")
}

/// A running server. Dropping it stops the server and closes its open connections.
pub struct Server {
    addr: SocketAddr,
    stats: watch::Receiver<Stats>,
    releases: Arc<watch::Sender<Releases>>,
    held: Held,
    accept_loop: JoinHandle<()>,
}

impl Server {
    /// Starts a server on `127.0.0.1` on a free port, answering every request after `latency`.
    ///
    /// Must be called from within a Tokio runtime: the server runs as tasks on it.
    pub async fn start(latency: Duration) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stats_tx, stats) = watch::channel(Stats::default());
        let releases = Arc::new(watch::Sender::new(Releases::default()));
        let held = Held::default();
        let shared = Shared {
            latency,
            stats: Arc::new(stats_tx),
            releases: Arc::clone(&releases),
            held: held.clone(),
        };
        let accept_loop = tokio::spawn(accept_connections(listener, shared));
        Ok(Server {
            addr,
            stats,
            releases,
            held,
            accept_loop,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        *self.stats.borrow()
    }

    /// A receiver that sees every change of the counters (`changed().await`, `wait_for(…)`).
    pub fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.stats.clone()
    }

    /// Lets the held request for `path` (a path starting with `/held/`) be answered: now if it is
    /// waiting, at once if it arrives later.
    pub fn release(&self, path: &str) {
        self.releases.send_modify(|r| {
            r.paths.insert(path.to_owned());
        });
    }

    /// Lets every held request be answered, now and from now on.
    pub fn release_all(&self) {
        self.releases.send_modify(|r| r.all = true);
    }

    /// The paths of the held requests that are waiting to be released, oldest first. A request
    /// is listed before it is counted in [`Stats::in_flight`], and until it is answered or its
    /// client hangs up.
    pub fn held(&self) -> Vec<String> {
        self.held.paths()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.accept_loop.abort();
    }
}

/// Which held requests may be answered.
#[derive(Debug, Default)]
struct Releases {
    all: bool,
    paths: HashSet<String>,
}

impl Releases {
    fn lets_go(&self, path: &str) -> bool {
        self.all || self.paths.contains(path)
    }
}

/// What every connection task needs.
#[derive(Clone)]
struct Shared {
    latency: Duration,
    stats: Arc<watch::Sender<Stats>>,
    releases: Arc<watch::Sender<Releases>>,
    held: Held,
}

/// The held requests waiting for their release, in the order they arrived.
#[derive(Clone, Default)]
struct Held(Arc<Mutex<Vec<String>>>);

impl Held {
    fn paths(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Lists `path` until the returned guard is dropped.
    fn enter(&self, path: &str) -> HeldEntry {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.to_owned());
        HeldEntry {
            held: self.clone(),
            path: path.to_owned(),
        }
    }
}

/// One listed held request; dropping it takes the request off the list.
struct HeldEntry {
    held: Held,
    path: String,
}

impl Drop for HeldEntry {
    fn drop(&mut self) {
        let mut paths = self.held.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = paths.iter().position(|p| *p == self.path) {
            paths.remove(i);
        }
    }
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
    let held = path.starts_with("/held/").then(|| shared.held.enter(&path));
    let request = InFlight::begin(&shared.stats);
    let may_answer = tokio::select! {
        () = wait_before_answering(&path, &shared) => true,
        () = hang_up(&mut reader) => false,
    };
    drop(held);
    if !may_answer || writer.write_all(&response_for(&path)).await.is_err() {
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

async fn wait_before_answering(path: &str, shared: &Shared) {
    if path.starts_with("/held/") {
        let mut releases = shared.releases.subscribe();
        // `wait_for` fails only if the sender is gone, and the server holds it.
        let _ = releases.wait_for(|r| r.lets_go(path)).await;
    } else {
        tokio::time::sleep(shared.latency).await;
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

fn response_for(path: &str) -> Vec<u8> {
    let (status, body) = if path.starts_with("/missing") {
        ("404 Not Found", format!("nothing at {path}"))
    } else {
        ("200 OK", body_for(path))
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// One request in the counters: `begin` counts it in, dropping it counts it out as cancelled
/// unless [`InFlight::served`] was called.
struct InFlight {
    stats: Arc<watch::Sender<Stats>>,
    served: bool,
}

impl InFlight {
    fn begin(stats: &Arc<watch::Sender<Stats>>) -> InFlight {
        stats.send_modify(|s| {
            s.received += 1;
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
        });
        InFlight {
            stats: Arc::clone(stats),
            served: false,
        }
    }

    fn served(mut self) {
        self.served = true;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let served = self.served;
        self.stats.send_modify(|s| {
            s.in_flight -= 1;
            if served {
                s.served += 1;
            } else {
                s.cancelled += 1;
            }
        });
    }
}
