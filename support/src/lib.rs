//! Helpers the labs' graded tests share. This crate is part of the tests: like them, students
//! read it but do not change it, and the grader restores it.
//!
//! Every wait here is bounded by [`PATIENCE`]. The limit never decides whether correct code passes
//! (correct code is done long before it); it only turns a hang into a failure whose message says
//! what the test was waiting for, also under a plain `cargo test`.

use std::panic;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

#[cfg(unix)]
pub mod cpu;
#[cfg(feature = "loom")]
pub mod loom;
#[cfg(unix)]
pub mod process;
#[cfg(feature = "tokio")]
pub mod tokio;

/// How long a test waits for something that correct code does at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Runs `work` on a helper thread and returns its result, or fails the test, saying that `what`
/// did not finish, if it has not returned within [`PATIENCE`] (a deadlock, a missed wake-up, a
/// pool that never shuts down). A panic in `work` fails the test with that panic.
///
/// Use it around every call of the code under test that could block: `join`, `recv`, `pop`, the
/// drop of a pool or a server.
pub fn within_patience<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    within(what, PATIENCE, work)
}

/// [`within_patience`] with a limit of its own, for work that takes long on purpose.
pub fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    let helper = thread::spawn(move || {
        // The receiver is gone only if the test has already given up.
        let _ = done.send(work());
    });
    match result.recv_timeout(limit) {
        Ok(value) => value,
        Err(RecvTimeoutError::Disconnected) => match helper.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the helper sends its result before it ends"),
        },
        Err(RecvTimeoutError::Timeout) => panic!(
            "{what}: still not done after {limit:?}, so it is blocked or looping forever \
             (a deadlock, a wake-up that never comes, a thread that is never joined)"
        ),
    }
}

/// Waits until `condition` returns `true`, checking it again and again, or fails the test, saying
/// that `what` did not happen, if it is still `false` after [`PATIENCE`].
///
/// For a state the test can read but not wait on (a flag of the code under test that nothing
/// signals to the test): the wait ends as soon as the state holds, so it decides nothing by time.
/// Prefer a real signal (a channel, [`Flags`], a [`Rendezvous`]) wherever the test has one.
pub fn wait_until(what: &str, condition: impl FnMut() -> bool) {
    wait_until_for(what, PATIENCE, condition);
}

fn wait_until_for(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    let mut checks = 0_u32;
    while !condition() {
        if start.elapsed() > limit {
            panic!("{what}: still not so after {limit:?}");
        }
        checks += 1;
        if checks < 1000 {
            thread::yield_now();
        } else {
            // Long waits need not burn a core that the code under test may need.
            thread::sleep(Duration::from_millis(1));
        }
    }
}

/// A meeting point for a fixed number of threads, like [`std::sync::Barrier`], except that a
/// wait gives up after [`PATIENCE`].
///
/// It proves that work runs at the same time: if the callers run one after another instead, the
/// first one waits in vain. When any wait gives up the rendezvous is broken and every later wait
/// fails at once, so a serialised caller fails after one [`PATIENCE`], not one per party.
pub struct Rendezvous {
    parties: usize,
    state: Mutex<RendezvousState>,
    changed: Condvar,
}

struct RendezvousState {
    arrived: usize,
    broken: bool,
}

/// A failed [`Rendezvous::wait`]: how many parties had arrived, out of how many.
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
        if state.arrived >= self.parties {
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

    /// Like [`wait`](Self::wait), but panics if the rendezvous fails, saying that only some of
    /// the `what` ran at the same time; returns the calling thread's id.
    pub fn meet(&self, what: &str) -> ThreadId {
        if let Err(missed) = self.wait() {
            panic!(
                "only {} of {} {what} were running at the same time (waited {PATIENCE:?} for the \
                 rest): they ran one after another, not in parallel",
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

    pub fn is_raised(&self, index: usize) -> bool {
        lock(&self.raised)[index]
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
pub fn all_distinct<T: PartialEq>(ids: &[T]) -> bool {
    ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id))
}

/// The end of the message of every panic a test causes on purpose.
pub const ON_PURPOSE: &str = "(on purpose)";

/// Keeps the panics a test causes on purpose (their message ends with [`ON_PURPOSE`]) out of the
/// test's output, so that the only panic messages a student sees are real failures. Every other
/// panic is printed as usual.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn within_patience_returns_the_value() {
        assert_eq!(within_patience("adding", || 2 + 2), 4);
    }

    #[test]
    fn within_gives_up_with_the_message() {
        let start = Instant::now();
        let outcome = panic::catch_unwind(|| {
            within("the sleeper", Duration::from_millis(50), || {
                thread::sleep(Duration::from_secs(2))
            })
        });
        let message = *outcome.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.starts_with("the sleeper: still not done after 50ms"),
            "{message}"
        );
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn within_passes_the_panic_on() {
        let outcome = panic::catch_unwind(|| within_patience("the panicker", || panic!("boom")));
        assert_eq!(*outcome.unwrap_err().downcast::<&str>().unwrap(), "boom");
    }

    #[test]
    fn a_rendezvous_of_threads_that_meet_succeeds() {
        let meeting = Arc::new(Rendezvous::new(3));
        let ids: Vec<ThreadId> = (0..3)
            .map(|_| {
                let meeting = Arc::clone(&meeting);
                thread::spawn(move || meeting.meet("threads"))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(all_distinct(&ids));
    }

    #[test]
    fn a_broken_rendezvous_fails_every_later_caller_at_once() {
        let meeting = Rendezvous {
            parties: 2,
            state: Mutex::new(RendezvousState {
                arrived: 0,
                broken: true,
            }),
            changed: Condvar::new(),
        };
        let start = Instant::now();
        assert_eq!(
            meeting.wait(),
            Err(Missed {
                arrived: 1,
                parties: 2
            })
        );
        assert!(start.elapsed() < PATIENCE);
    }

    #[test]
    fn flags_wake_their_waiter() {
        let flags = Arc::new(Flags::new(2));
        let raiser = Arc::clone(&flags);
        let t = thread::spawn(move || raiser.raise(1));
        assert!(flags.wait_for(1));
        assert!(!flags.is_raised(0));
        t.join().unwrap();
    }

    #[test]
    fn wait_until_returns_once_the_condition_holds() {
        let done = Arc::new(AtomicBool::new(false));
        let setter = Arc::clone(&done);
        let t = thread::spawn(move || setter.store(true, Ordering::SeqCst));
        wait_until("the flag to be set", || done.load(Ordering::SeqCst));
        t.join().unwrap();
    }

    #[test]
    fn wait_until_gives_up_with_the_message() {
        let outcome =
            panic::catch_unwind(|| wait_until_for("never", Duration::from_millis(50), || false));
        let message = *outcome.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.starts_with("never: still not so after 50ms"),
            "{message}"
        );
    }
}
