//! Helpers shared by the graded tests. This folder is not a test target of its own.
//!
//! Every wait here is bounded by [`PATIENCE`]. The limit never decides whether correct code
//! passes (correct code is done long before it); it only turns a hang into a failure with a
//! message that says what was expected.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// How long a test waits for something that correct code does at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

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

    fn missed(&self, state: &RendezvousState) -> Missed {
        Missed {
            arrived: state.arrived,
            parties: self.parties,
        }
    }
}

/// Locks `mutex`, ignoring poisoning: a panicking test thread must not hide the real failure
/// behind a `PoisonError`.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `work` on a helper thread and returns its result, or fails the test with `what` in the
/// message if it has not finished within [`PATIENCE`] (a lock that is never released, a thread
/// that spins forever). A panic in `work` fails the test with that panic's message.
pub fn with_patience<R: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (done, result) = mpsc::channel();
    let worker = thread::spawn(move || {
        // The receiver is gone only if the test has already failed.
        let _ = done.send(work());
    });
    match result.recv_timeout(PATIENCE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends its result before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what} did not finish within {PATIENCE:?}: is a lock never released, or taken twice \
             by the same thread?"
        ),
    }
}
