//! The Half 2 server, put together (given, not an exercise): your [`serve`] accepts, your
//! [`connection`] serves each client, and [`Shared`] holds the state they share.
//!
//! [`run`] is the whole server on a listening socket; `examples/server.rs` runs it until Ctrl-C.
//! [`Server`] is what the tests and benchmarks use: a server on a free port of `127.0.0.1`,
//! whose counters they read and which they shut down when they choose.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::accept::serve;
use crate::connection::connection;
use crate::state::{Config, Shared, Stats};

// ANCHOR: run
/// Runs the server on `listener` until `shutdown` is cancelled and every connection is done.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, shutdown: CancellationToken) {
    serve(listener, shutdown, move |stream, token| {
        let shared = Arc::clone(&shared);
        async move {
            let stream = Counted::new(stream, Arc::clone(&shared));
            connection(stream, shared, token).await;
        }
    })
    .await;
}
// ANCHOR_END: run

/// A running server on `127.0.0.1`. Dropping it signals shutdown and stops waiting for it.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server with `config` on a free port of `127.0.0.1`, as a task of the current
    /// tokio runtime. It accepts connections from the moment this returns.
    pub async fn start(config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(run(listener, Arc::clone(&shared), shutdown.clone()));
        Ok(Server {
            addr,
            shared,
            shutdown,
            task,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The state the server's connections share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// A receiver that sees every change of the counters.
    pub fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.shared.watch_stats()
    }

    /// Signals shutdown and returns at once; [`finished`](Self::finished) waits for the end.
    pub fn shut_down(&self) {
        self.shutdown.cancel();
    }

    /// Whether the server has returned.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Waits until the server has returned. Passes on a panic of the server's task.
    pub async fn finished(&mut self) {
        if let Err(error) = (&mut self.task).await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A stream that counts its connection in [`Stats::connections`] while it exists, and the bytes
/// read from it in [`Stats::bytes_read`].
pub struct Counted<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Counted<S> {
    pub fn new(inner: S, shared: Arc<Shared>) -> Counted<S> {
        shared.count(|s| s.connections += 1);
        Counted { inner, shared }
    }
}

impl<S> Drop for Counted<S> {
    fn drop(&mut self) {
        self.shared.count(|s| s.connections -= 1);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read > 0 {
            self.shared.count(|s| s.bytes_read += read);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
