//! Exercise 9.9: the state every connection shares — a key–value store and a room — and the
//! given machinery around it: the counters the tests read, and held replies.
//!
//! A `std::sync::MutexGuard` is not `Send`, so a task that keeps one across an `.await` is not
//! `Send` either, and `tokio::spawn` refuses it:
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let visits = Arc::new(Mutex::new(0));
//! // error: future cannot be sent between threads safely
//! tokio::spawn(async move {
//!     let mut count = visits.lock().unwrap();
//!     *count += 1;
//!     tokio::task::yield_now().await; // `count`, the guard, is still alive here
//! });
//! # }
//! ```
//!
//! Let the guard go before the `.await` (here, at the end of the block) and it compiles:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let visits = Arc::new(Mutex::new(0));
//! tokio::spawn(async move {
//!     {
//!         let mut count = visits.lock().unwrap();
//!         *count += 1;
//!     }
//!     tokio::task::yield_now().await;
//! })
//! .await
//! .unwrap();
//! # }
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::protocol::Request;
use crate::room::Member;

/// How a server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The longest request line the server accepts, in bytes, without its `\n`.
    pub max_line: usize,
    /// How many messages the room keeps for a member that has not received them yet (tokio's
    /// broadcast channel rounds it up to a power of two); a member that falls further behind is
    /// told `LAGGED n`.
    pub room_capacity: usize,
    /// How long [`Shared::answer`] waits before it returns a reply: the time a real server would
    /// spend on a database or another service. Zero in most tests.
    pub latency: Duration,
    /// For the benchmark only: makes [`Shared::answer`] hold one server-wide lock across its
    /// wait, the mistake the chapter warns against, so that its cost can be measured.
    pub lock_across_await: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_line: 1024,
            room_capacity: 16,
            latency: Duration::ZERO,
            lock_across_await: false,
        }
    }
}

/// What the server has done so far. Read it with [`Shared::stats`] or [`Shared::watch_stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections open right now (counted from the moment the connection's handler gets the
    /// stream until it drops it).
    pub connections: usize,
    /// Bytes read from clients, in total.
    pub bytes_read: usize,
    /// Requests passed to [`Shared::answer`], in total.
    pub received: usize,
    /// Requests in [`Shared::answer`] right now.
    pub in_flight: usize,
    /// The largest value `in_flight` has had.
    pub max_in_flight: usize,
    /// Requests [`Shared::answer`] returned a reply for.
    pub answered: usize,
    /// Requests whose [`Shared::answer`] future was dropped before it returned.
    pub abandoned: usize,
}

// ANCHOR: shared
/// The state every connection of a server shares, behind an `Arc`.
pub struct Shared {
    /// The key–value store. A `std::sync::Mutex`: each critical section is a map lookup or
    /// insert, and never contains an `.await`.
    db: Mutex<HashMap<String, String>>,
    /// The room: `send` hands a message to every member's receiver.
    room: broadcast::Sender<Arc<str>>,
    config: Config,
    stats: watch::Sender<Stats>,
    holds: watch::Sender<Holds>,
    /// Taken across the wait in `answer` when `config.lock_across_await` (benchmark only).
    one_at_a_time: tokio::sync::Mutex<()>,
}
// ANCHOR_END: shared

/// Which held replies may go out.
#[derive(Debug, Default)]
struct Holds {
    all: bool,
    keys: HashSet<String>,
}

impl Shared {
    /// A server state with an empty store and an empty room.
    pub fn new(config: Config) -> Shared {
        let (room, _) = broadcast::channel(config.room_capacity.max(1));
        Shared {
            db: Mutex::new(HashMap::new()),
            room,
            config,
            stats: watch::Sender::new(Stats::default()),
            holds: watch::Sender::new(Holds::default()),
            one_at_a_time: tokio::sync::Mutex::new(()),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    // ANCHOR: execute
    /// Carries out `request` on the shared state and returns the reply line (see
    /// [`crate::protocol`]): `PING` → `PONG`; `GET key` → `VALUE value` or `NONE`; `SET key
    /// value` → stores the value (replacing any earlier one) and replies `OK`; `SAY text` → sends
    /// `text` to the room and replies `OK n`, `n` being the number of members it went to (`OK 0`
    /// if the room is empty); `JOIN` → `OK` (the connection makes itself a member: see
    /// [`Shared::join`]).
    ///
    /// A plain function, not `async`: it locks the store only for the lookup or the insert, so no
    /// lock can be held across an `.await`, and it never waits for a slow member of the room.
    /// Safe to call from many threads and tasks at once.
    pub fn execute(&self, request: &Request) -> String {
        todo!(
            "9.9: the store under its Mutex, the room through its Sender — see the chapter, Exercise 9.9"
        )
    }
    // ANCHOR_END: execute

    /// A new receiver of the room: it gets every message sent from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.room.subscribe()
    }

    /// A new member of the room: it gets every message sent from now on.
    pub fn join(&self) -> Member {
        Member::new(self.subscribe())
    }

    /// How many messages the room keeps right now for members that have not received them yet
    /// (at most `room_capacity`): a measure of how far behind the slowest member is.
    pub fn room_backlog(&self) -> usize {
        self.room.len()
    }

    // ANCHOR: answer
    /// Answers one request: counts it in flight, [`execute`](Self::execute)s it, then waits
    /// before returning the reply: for the configured latency, and, for a request whose key
    /// starts with `held/`, until the test lets that key go ([`release`](Self::release)).
    ///
    /// Dropping the future before it returns abandons the request (counted as `abandoned`); its
    /// effect on the store, if any, has already happened.
    pub async fn answer(&self, request: &Request) -> String {
        let in_flight = InFlight::begin(&self.stats);
        let _one_at_a_time = if self.config.lock_across_await {
            Some(self.one_at_a_time.lock().await)
        } else {
            None
        };
        let reply = self.execute(request);
        if !self.config.latency.is_zero() {
            tokio::time::sleep(self.config.latency).await;
        }
        if let Some(key) = request.key().filter(|key| key.starts_with("held/")) {
            let mut holds = self.holds.subscribe();
            // `wait_for` fails only if the sender is gone, and `self` holds it.
            let _ = holds.wait_for(|h| h.all || h.keys.contains(key)).await;
        }
        in_flight.answered();
        reply
    }
    // ANCHOR_END: answer

    /// Lets the replies to requests about `key` (a key starting with `held/`) go out: now if
    /// they are waiting, at once if they come later.
    pub fn release(&self, key: &str) {
        self.holds.send_modify(|h| {
            h.keys.insert(key.to_owned());
        });
    }

    /// Lets every held reply go out, now and from now on.
    pub fn release_all(&self) {
        self.holds.send_modify(|h| h.all = true);
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        *self.stats.borrow()
    }

    /// A receiver that sees every change of the counters (`changed().await`, `wait_for(…)`).
    pub fn watch_stats(&self) -> watch::Receiver<Stats> {
        self.stats.subscribe()
    }

    /// Updates the counters (used by the server's wiring, which counts connections and bytes).
    pub(crate) fn count(&self, update: impl FnOnce(&mut Stats)) {
        self.stats.send_modify(update);
    }
}

/// One request in the counters: `begin` counts it in, dropping it counts it out as abandoned
/// unless [`InFlight::answered`] was called.
struct InFlight<'a> {
    stats: &'a watch::Sender<Stats>,
    answered: bool,
}

impl<'a> InFlight<'a> {
    fn begin(stats: &'a watch::Sender<Stats>) -> InFlight<'a> {
        stats.send_modify(|s| {
            s.received += 1;
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
        });
        InFlight {
            stats,
            answered: false,
        }
    }

    fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let answered = self.answered;
        self.stats.send_modify(|s| {
            s.in_flight -= 1;
            if answered {
                s.answered += 1;
            } else {
                s.abandoned += 1;
            }
        });
    }
}
