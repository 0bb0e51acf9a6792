//! What the lab's two servers answer, and what they count (given, not an exercise).
//!
//! The real server ([`crate::server`], sockets on loopback) and the simulated one
//! ([`crate::sim`], no sockets, only Tokio's clock) follow the same rules, so a test can use
//! either. The *path* of a request decides the answer:
//!
//! | path | answer |
//! | --- | --- |
//! | `/held/…` | `200`, with [`body_for`]`(path)`, only once the test lets it go (`release`, `release_all`) |
//! | `/slow/MS/…` | `200`, with [`body_for`]`(path)`, after `MS` milliseconds instead of the server's latency |
//! | `/status/CODE/…` | status `CODE` (`404`, `500`, …) after the latency |
//! | `/flaky/N/…` | `503` for the first `N` requests of that exact path, then `200` with [`body_for`]`(path)` |
//! | `/binary/…` | `200` after the latency, with a body that is not UTF-8 text (the transform rejects it) |
//! | anything else | `200` after the latency, with [`body_for`]`(path)` |
//!
//! A request is *in flight* from the moment the server has read it until it has answered it in
//! full, or until the client gives up first (hangs up, or drops the simulated request), which
//! the server counts as *cancelled*.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

/// What a server has done so far. Read it with `stats()` or `watch_stats()` on either server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests read from clients, in total (every attempt of a retried fetch counts).
    pub received: usize,
    /// Requests read and not yet answered or abandoned.
    pub in_flight: usize,
    /// The largest value `in_flight` has had.
    pub max_in_flight: usize,
    /// Requests answered in full.
    pub served: usize,
    /// Requests whose client gave up before the answer was complete.
    pub cancelled: usize,
}

/// How the server treats a path (see the table in the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Held,
    Slow(Duration),
    Status(u16),
    Flaky(usize),
    Binary,
    Plain,
}

/// The route of `path`. A path that only looks like a special one (`/slow/abc/…`) is plain.
pub fn route(path: &str) -> Route {
    let mut parts = path.trim_start_matches('/').split('/');
    let kind = parts.next().unwrap_or("");
    let number = parts.next().and_then(|n| n.parse::<u64>().ok());
    match (kind, number) {
        ("held", _) => Route::Held,
        ("slow", Some(ms)) => Route::Slow(Duration::from_millis(ms)),
        ("status", Some(code @ 100..=599)) => Route::Status(code as u16),
        ("flaky", Some(n)) => Route::Flaky(n as usize),
        ("binary", _) => Route::Binary,
        _ => Route::Plain,
    }
}

/// The path part of `url`: `http://127.0.0.1:8080/a/b` and `sim:/a/b` both give `/a/b`; a bare
/// path is its own path.
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("sim:").unwrap_or(rest);
    match rest.find('/') {
        Some(start) => &rest[start..],
        None => "/",
    }
}

/// Words the bodies are made of.
const VOCABULARY: [&str; 24] = [
    "tokio", "rayon", "thread", "task", "future", "channel", "bounded", "queue", "lock", "atomic",
    "worker", "pool", "fetch", "parse", "order", "window", "cancel", "token", "latency", "core",
    "socket", "buffer", "stage", "pipeline",
];

/// How many words a body has after its first line.
const BODY_WORDS: usize = 200;

/// The body of the `200 OK` answer to `path`: a line naming the resource, then
/// a couple of hundred words picked from a small vocabulary by a hash of the path. Always the same
/// for the same path.
pub fn body_for(path: &str) -> String {
    let mut state = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    let mut text = format!("the resource at {path}\n");
    for n in 0..BODY_WORDS {
        // xorshift64: a cheap, deterministic sequence of word choices.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push_str(VOCABULARY[(state % VOCABULARY.len() as u64) as usize]);
        text.push(if n % 12 == 11 { '\n' } else { ' ' });
    }
    text
}

/// The body of the `200 OK` answer to a `/binary/…` path: not UTF-8.
pub fn binary_body_for(path: &str) -> Vec<u8> {
    let mut body = vec![0xff, 0xfe, 0x00];
    body.extend_from_slice(path.as_bytes());
    body
}

/// A complete answer: a status and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The answer to the `nth` request (counting from 1) for `path`.
pub fn answer(path: &str, nth: usize) -> Answer {
    let ok = |body: Vec<u8>| Answer { status: 200, body };
    match route(path) {
        Route::Status(status) => Answer {
            status,
            body: format!("status {status} for {path}").into_bytes(),
        },
        Route::Flaky(failures) if nth <= failures => Answer {
            status: 503,
            body: format!("try {path} again later").into_bytes(),
        },
        Route::Binary => ok(binary_body_for(path)),
        _ => ok(body_for(path).into_bytes()),
    }
}

/// The state both servers share between their requests: the counters, the held paths let go,
/// and how many requests each path has had.
#[derive(Clone)]
pub(crate) struct Counters {
    stats: Arc<watch::Sender<Stats>>,
    releases: Arc<watch::Sender<Releases>>,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl Counters {
    pub(crate) fn new() -> Counters {
        Counters {
            stats: Arc::new(watch::Sender::new(Stats::default())),
            releases: Arc::new(watch::Sender::new(Releases::default())),
            requests: Arc::default(),
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        *self.stats.borrow()
    }

    pub(crate) fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.stats.subscribe()
    }

    pub(crate) fn requests_for(&self, path: &str) -> usize {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        requests.get(path).copied().unwrap_or(0)
    }

    pub(crate) fn release(&self, path: &str) {
        self.releases.send_modify(|r| {
            r.paths.insert(path.to_owned());
        });
    }

    pub(crate) fn release_all(&self) {
        self.releases.send_modify(|r| r.all = true);
    }

    /// Counts a request for `path` in; returns the guard that counts it out, and which request
    /// for this path it is (from 1).
    pub(crate) fn begin(&self, path: &str) -> (InFlight, usize) {
        let nth = {
            let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            let count = requests.entry(path.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
        self.stats.send_modify(|s| {
            s.received += 1;
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
        });
        let guard = InFlight {
            stats: Arc::clone(&self.stats),
            served: false,
        };
        (guard, nth)
    }

    /// Waits until the request for `path` may be answered: at once for most paths, after
    /// `latency` (or the path's own delay), or when the test lets a held path go.
    pub(crate) async fn wait_before_answering(&self, path: &str, latency: Duration) {
        match route(path) {
            Route::Held => {
                let mut releases = self.releases.subscribe();
                // `wait_for` fails only if the sender is gone, and `self` holds it.
                let _ = releases.wait_for(|r| r.lets_go(path)).await;
            }
            Route::Slow(delay) => tokio::time::sleep(delay).await,
            _ => tokio::time::sleep(latency).await,
        }
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

/// One request in the counters: dropping it counts it out, as cancelled unless
/// [`InFlight::served`] was called first.
pub(crate) struct InFlight {
    stats: Arc<watch::Sender<Stats>>,
    served: bool,
}

impl InFlight {
    pub(crate) fn served(mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_follow_the_table() {
        assert_eq!(route("/held/3"), Route::Held);
        assert_eq!(
            route("/slow/250/x"),
            Route::Slow(Duration::from_millis(250))
        );
        assert_eq!(route("/status/404/x"), Route::Status(404));
        assert_eq!(route("/flaky/2/x"), Route::Flaky(2));
        assert_eq!(route("/binary/x"), Route::Binary);
        assert_eq!(route("/item/7"), Route::Plain);
        assert_eq!(route("/slow/abc"), Route::Plain);
    }

    #[test]
    fn paths_come_out_of_urls() {
        assert_eq!(path_of("http://127.0.0.1:8080/a/b"), "/a/b");
        assert_eq!(path_of("sim:/a/b"), "/a/b");
        assert_eq!(path_of("/a/b"), "/a/b");
        assert_eq!(path_of("http://127.0.0.1:8080"), "/");
    }

    #[test]
    fn a_flaky_path_fails_then_succeeds() {
        assert_eq!(answer("/flaky/2/x", 1).status, 503);
        assert_eq!(answer("/flaky/2/x", 2).status, 503);
        assert_eq!(answer("/flaky/2/x", 3).status, 200);
    }

    #[test]
    fn bodies_are_deterministic_and_binary_ones_are_not_text() {
        assert_eq!(body_for("/a"), body_for("/a"));
        assert_ne!(body_for("/a"), body_for("/b"));
        assert!(std::str::from_utf8(&binary_body_for("/binary/1")).is_err());
    }
}
