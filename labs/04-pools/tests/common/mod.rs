//! Helpers shared by the graded tests. This folder is not a test target of its own.
//!
//! Every wait here is bounded by [`PATIENCE`]. The limit never decides whether correct code
//! passes (correct code is done long before it); it only turns a hang into a failure with a
//! message that says what was expected.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::panic;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// How long a test waits for something that correct code does at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The end of the message of every panic a test causes on purpose.
pub const ON_PURPOSE: &str = "(on purpose)";

/// Keeps the panics that a test causes on purpose (their message ends with [`ON_PURPOSE`]) out
/// of the test's output, so that the only panic messages you see are real failures. Every other
/// panic is printed as usual, including a failed assertion that quotes a deliberate message.
pub fn hide_deliberate_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let print = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|m| m.ends_with(ON_PURPOSE)) {
                print(info);
            }
        }));
    });
}

/// Runs `f` on a helper thread and returns its result, or fails the test with a message that
/// names `what` if `f` has not returned within [`PATIENCE`] (a pool that never shuts down, a
/// job that never runs). A panic in `f` fails the test too.
pub fn within_patience<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(f());
    });
    match receiver.recv_timeout(PATIENCE) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {PATIENCE:?}: something waits forever")
        }
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked (see its message above)"),
    }
}

/// A meeting point for a fixed number of threads, like [`std::sync::Barrier`], except that a
/// wait gives up after [`PATIENCE`].
///
/// If the callers run one after another instead of at the same time, the first one waits in
/// vain. When any wait gives up the rendezvous is broken, and every later wait fails at once, so
/// a serialised caller fails after one [`PATIENCE`], not one per party.
pub struct Rendezvous {
    parties: usize,
    state: Mutex<RendezvousState>,
    changed: Condvar,
}

struct RendezvousState {
    arrived: usize,
    broken: bool,
}

/// A failed [`Rendezvous::wait`]: how many parties had arrived out of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missed {
    pub arrived: usize,
    pub parties: usize,
}

impl Rendezvous {
    pub fn new(parties: usize) -> Self {
        Rendezvous {
            parties,
            state: Mutex::new(RendezvousState {
                arrived: 0,
                broken: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// Arrives, then waits until all parties have arrived (`Ok`) or the wait gives up (`Err`).
    pub fn wait(&self) -> Result<(), Missed> {
        let mut state = lock(&self.state);
        state.arrived += 1;
        if state.broken {
            return Err(self.missed(&state));
        }
        if state.arrived == self.parties {
            self.changed.notify_all();
            return Ok(());
        }
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, PATIENCE, |s| s.arrived < self.parties && !s.broken)
            .unwrap_or_else(PoisonError::into_inner);
        if state.arrived >= self.parties {
            Ok(())
        } else {
            state.broken = true;
            self.changed.notify_all();
            Err(self.missed(&state))
        }
    }

    /// Like [`wait`](Self::wait), but panics with a plain message if the rendezvous fails, and
    /// returns the calling thread's id.
    pub fn meet(&self) -> ThreadId {
        if let Err(missed) = self.wait() {
            panic!(
                "only {} of {} jobs were running at the same time (waited {PATIENCE:?}); the \
                 pool ran them one after another",
                missed.arrived, missed.parties
            );
        }
        thread::current().id()
    }

    fn missed(&self, state: &RendezvousState) -> Missed {
        Missed {
            arrived: state.arrived,
            parties: self.parties,
        }
    }
}

/// A set of numbered one-shot flags: one thread raises flag `i`, others wait for it.
pub struct Flags {
    raised: Mutex<Vec<bool>>,
    changed: Condvar,
}

impl Flags {
    pub fn new(count: usize) -> Self {
        Flags {
            raised: Mutex::new(vec![false; count]),
            changed: Condvar::new(),
        }
    }

    pub fn raise(&self, index: usize) {
        lock(&self.raised)[index] = true;
        self.changed.notify_all();
    }

    /// Waits until flag `index` is raised; `false` if that did not happen within [`PATIENCE`].
    pub fn wait_for(&self, index: usize) -> bool {
        let raised = lock(&self.raised);
        let (raised, _) = self
            .changed
            .wait_timeout_while(raised, PATIENCE, |raised| !raised[index])
            .unwrap_or_else(PoisonError::into_inner);
        raised[index]
    }
}

/// Locks `mutex`, ignoring poisoning: a panicking test thread must not hide the real failure
/// behind a `PoisonError`.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether every id in `ids` is different.
pub fn all_distinct(ids: &[ThreadId]) -> bool {
    ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id))
}
