//! Async I/O for Half 1 (given, not an exercise), built on your [`countdown`] of Exercise 9.1.
//!
//! A real runtime learns that a socket is ready from the operating system (epoll on Linux,
//! kqueue on macOS, through the `mio` crate in tokio's case): one thread waits for thousands of
//! sockets at once, and wakes the tasks whose socket is ready. The standard library has no such
//! call. So this module does the simplest thing that works: it runs each blocking operation on a
//! thread of its own ([`on_thread`]), and that thread ticks a [`Countdown`] of one when the
//! operation is done, which wakes the task that awaits it. It is `spawn_blocking` in miniature:
//! correct, and fine for a few dozen operations at a time, but a thread per wait is exactly the
//! cost async I/O exists to avoid.
//!
//! [`countdown`]: crate::countdown::countdown
//! [`Countdown`]: crate::countdown::Countdown

use std::future::Future;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::countdown::countdown;
use crate::lock;

// ANCHOR: on_thread
/// Runs `work` on a new thread and returns a future of its result. The future completes (and
/// wakes its task) when the thread is done. Dropping the future does not stop the thread: like
/// `spawn_blocking`, blocking work cannot be interrupted once it runs.
///
/// # Panics
///
/// The future panics if `work` panicked.
pub fn on_thread<T, W>(work: W) -> impl Future<Output = T> + Send + 'static
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    let (done, ticker) = countdown(1);
    let result = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&result);
    thread::spawn(move || {
        // Ticks even if `work` panics, so that the waiting task wakes up and reports it.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        *lock(&slot) = Some(outcome);
        ticker.tick();
    });
    async move {
        done.await;
        let outcome = lock(&result).take();
        match outcome {
            Some(Ok(value)) => value,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("the countdown completes only after the result is stored"),
        }
    }
}
// ANCHOR_END: on_thread

/// A connection to a line server, with async operations. Each operation runs on a thread of its
/// own ([`on_thread`]); do not start a second one on the same connection before the first has
/// completed.
pub struct LineConnection {
    stream: Arc<Mutex<BufReader<TcpStream>>>,
}

impl LineConnection {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> io::Result<LineConnection> {
        let stream = on_thread(move || TcpStream::connect(addr)).await?;
        Ok(LineConnection {
            stream: Arc::new(Mutex::new(BufReader::new(stream))),
        })
    }

    /// Sends `line` followed by `\n`.
    pub async fn send_line(&self, line: &str) -> io::Result<()> {
        let stream = Arc::clone(&self.stream);
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        on_thread(move || lock(&stream).get_mut().write_all(&bytes)).await
    }

    /// Reads the next line and returns it without its `\n`. The end of the stream before a whole
    /// line is an error of kind `UnexpectedEof`.
    pub async fn read_line(&self) -> io::Result<String> {
        let stream = Arc::clone(&self.stream);
        on_thread(move || {
            let mut line = String::new();
            lock(&stream).read_line(&mut line)?;
            match line.strip_suffix('\n') {
                Some(text) => Ok(text.to_owned()),
                None => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the connection closed in the middle of a line",
                )),
            }
        })
        .await
    }
}
