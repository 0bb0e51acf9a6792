//! The line server of Half 1 (given, not an exercise): a tiny server on loopback, written with
//! the standard library only (a thread per connection), that answers every line it receives
//! with the same line, and counts what it is doing.
//!
//! The protocol: the client sends lines ending in `\n`; the server answers each with the same
//! text and a `\n`, in order. A line that starts with `hold` is answered only once the test has
//! called [`LineServer::release`]: tests use held lines to know, without a clock, that requests
//! are in flight. A request is *in flight* from the moment the server has read its line until
//! it has written the answer.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::lock;

/// What the server has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineStats {
    /// Connections open right now.
    pub connections: usize,
    /// Lines read from clients, in total.
    pub received: usize,
    /// Lines read and not yet answered.
    pub in_flight: usize,
    /// The largest value `in_flight` has had.
    pub max_in_flight: usize,
    /// Lines answered.
    pub served: usize,
}

/// A running line server. Dropping it stops the server and closes its connections.
pub struct LineServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<ServerState>,
    changed: Condvar,
}

struct ServerState {
    stats: LineStats,
    released: bool,
    stopping: bool,
    /// A handle on every connection, to close them all when the server stops.
    streams: Vec<TcpStream>,
}

impl LineServer {
    /// Starts a server on `127.0.0.1`, on a free port.
    ///
    /// The server is ready when this returns: its socket is listening, so a client may connect
    /// at once (the operating system queues the connection until the server takes it).
    pub fn start() -> io::Result<LineServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(ServerState {
                stats: LineStats::default(),
                released: false,
                stopping: false,
                streams: Vec::new(),
            }),
            changed: Condvar::new(),
        });
        let acceptor = thread::spawn({
            let shared = Arc::clone(&shared);
            move || accept_connections(&listener, &shared)
        });
        Ok(LineServer {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The counters as they are now.
    pub fn stats(&self) -> LineStats {
        lock(&self.shared.state).stats
    }

    /// Waits until the counters satisfy `condition` and returns them, or gives up after `limit`
    /// and returns `Err` with the counters as they were then.
    pub fn wait_for(
        &self,
        limit: Duration,
        condition: impl Fn(&LineStats) -> bool,
    ) -> Result<LineStats, LineStats> {
        let deadline = Instant::now() + limit;
        let mut state = lock(&self.shared.state);
        while !condition(&state.stats) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(state.stats);
            }
            state = self.wait(state, left);
        }
        Ok(state.stats)
    }

    /// Lets every held line be answered: those waiting now, and any that arrive later.
    pub fn release(&self) {
        lock(&self.shared.state).released = true;
        self.shared.changed.notify_all();
    }

    fn wait<'a>(
        &self,
        state: MutexGuard<'a, ServerState>,
        limit: Duration,
    ) -> MutexGuard<'a, ServerState> {
        self.shared
            .changed
            .wait_timeout(state, limit)
            .map_or_else(|poisoned| poisoned.into_inner().0, |(state, _)| state)
    }
}

impl Drop for LineServer {
    fn drop(&mut self) {
        {
            let mut state = lock(&self.shared.state);
            state.stopping = true;
            for stream in state.streams.drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        self.shared.changed.notify_all();
        // The acceptor is blocked in `accept`: a connection of our own wakes it up to stop.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_connections(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        {
            let mut state = lock(&shared.state);
            if state.stopping {
                return;
            }
            let Ok(handle) = stream.try_clone() else {
                continue;
            };
            state.streams.push(handle);
            state.stats.connections += 1;
        }
        let shared = Arc::clone(shared);
        thread::spawn(move || {
            let _ = serve(stream, &shared);
            lock(&shared.state).stats.connections -= 1;
            shared.changed.notify_all();
        });
    }
}

/// Answers the lines of one connection until the client closes it or the server stops.
fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || !line.ends_with('\n') {
            return Ok(()); // the client closed the connection
        }
        let request = InFlight::begin(shared);
        if line.starts_with("hold") {
            let state = lock(&shared.state);
            let state = shared
                .changed
                .wait_while(state, |s| !s.released && !s.stopping)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if state.stopping {
                return Ok(());
            }
        }
        // Counted before the answer goes out: a client that has its answer sees the counters
        // up to date.
        request.served();
        writer.write_all(line.as_bytes())?;
    }
}

/// One request in the counters, from the moment its line is read until it is answered (or the
/// connection fails).
struct InFlight<'a> {
    shared: &'a Shared,
    served: bool,
}

impl<'a> InFlight<'a> {
    fn begin(shared: &'a Shared) -> InFlight<'a> {
        {
            let mut state = lock(&shared.state);
            let stats = &mut state.stats;
            stats.received += 1;
            stats.in_flight += 1;
            stats.max_in_flight = stats.max_in_flight.max(stats.in_flight);
        }
        shared.changed.notify_all();
        InFlight {
            shared,
            served: false,
        }
    }

    fn served(mut self) {
        self.served = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        {
            let mut state = lock(&self.shared.state);
            state.stats.in_flight -= 1;
            if self.served {
                state.stats.served += 1;
            }
        }
        self.shared.changed.notify_all();
    }
}
