//! The lab's simulated server (given, not an exercise): the real server's rules and counters
//! (see [`crate::routes`]) without sockets, waiting only on Tokio's clock.
//!
//! Why a second server: a test on *paused* time (`start_paused`) can ask Tokio whether every task
//! is waiting, because Tokio moves its paused clock forward only then. That is how a test proves
//! that something does *not* happen (the fetcher does not fetch more while the CPU stage is full)
//! without guessing how long to wait. It only works when every wait is on Tokio's clock: a real
//! socket's wait looks idle to Tokio too, and the clock would jump while an answer is on its way.
//! So the tests of bounds use this server, and the tests of real connections (cancellation closes
//! them, the whole program) use [`crate::server`].
//!
//! A simulated request is *in flight* from the call of [`Fetch::fetch`] until the answer is ready,
//! and *cancelled* when its future is dropped before that, as a real client that hangs up.

use std::time::Duration;

use tokio::sync::watch;

use crate::http::{Fetch, FetchError};
use crate::routes::{Counters, answer, path_of};
pub use crate::routes::{Stats, body_for};

/// A simulated server. Clones share the same counters.
#[derive(Clone)]
pub struct SimServer {
    latency: Duration,
    counters: Counters,
}

impl SimServer {
    /// A simulated server that answers after `latency` of Tokio's clock (except the paths that
    /// say otherwise, see [`crate::routes`]).
    pub fn new(latency: Duration) -> SimServer {
        SimServer {
            latency,
            counters: Counters::new(),
        }
    }

    /// The URL of `path` on the simulated server: `sim:/path`.
    pub fn url(&self, path: &str) -> String {
        format!("sim:{path}")
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        self.counters.stats()
    }

    /// A receiver that sees every change of the counters.
    pub fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.counters.watch_stats()
    }

    /// How many requests the server has had for `path` so far.
    pub fn requests_for(&self, path: &str) -> usize {
        self.counters.requests_for(path)
    }

    /// Lets the held request for `path` be answered: now if it is waiting, at once if it comes later.
    pub fn release(&self, path: &str) {
        self.counters.release(path);
    }

    /// Lets every held request be answered, now and from now on.
    pub fn release_all(&self) {
        self.counters.release_all();
    }
}

impl Fetch for SimServer {
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let path = path_of(url);
        let (request, nth) = self.counters.begin(path);
        self.counters
            .wait_before_answering(path, self.latency)
            .await;
        let answer = answer(path, nth);
        request.served();
        match answer.status {
            200 => Ok(answer.body),
            status => Err(FetchError::Status(status)),
        }
    }
}
