//! Helpers shared by this lab's graded tests. This folder is not a test target of its own.
//!
//! Half 1's tests poll futures by hand, with wakers that count how often they are woken, and
//! with small futures whose progress the test controls ([`Gate`]). Half 2's tests talk to the
//! server over loopback with [`Client`]. Every wait is bounded by [`PATIENCE`].

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

pub use lab_support::{PATIENCE, lock, within_patience};

// ---------------------------------------------------------------------------------------------
// Wakers that count
// ---------------------------------------------------------------------------------------------

/// A waker that counts how often it is woken, and lets a test wait for a wake.
pub struct WakeCounter {
    wakes: Mutex<usize>,
    woken: Condvar,
}

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *lock(&self.wakes) += 1;
        self.woken.notify_all();
    }
}

impl WakeCounter {
    /// How often the waker has been woken so far.
    pub fn wakes(&self) -> usize {
        *lock(&self.wakes)
    }

    /// Waits until the waker has been woken at least `count` times; `false` if that did not
    /// happen within [`PATIENCE`].
    pub fn wait_for(&self, count: usize) -> bool {
        let wakes = lock(&self.wakes);
        let (wakes, _) = self
            .woken
            .wait_timeout_while(wakes, PATIENCE, |wakes| *wakes < count)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *wakes >= count
    }
}

/// A fresh counting waker: the `Waker` to poll with, and its counter.
pub fn counting_waker() -> (Waker, Arc<WakeCounter>) {
    let counter = Arc::new(WakeCounter {
        wakes: Mutex::new(0),
        woken: Condvar::new(),
    });
    (Waker::from(Arc::clone(&counter)), counter)
}

/// Polls `future` once with `waker`.
pub fn poll_with<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

// ---------------------------------------------------------------------------------------------
// Futures the test controls
// ---------------------------------------------------------------------------------------------

/// A future that is pending until the test [`open`](GateKey::open)s it, from any thread. Like any
/// well-behaved future, it keeps the waker of its latest poll and wakes it when opened. It counts
/// its polls, and lets the test wait for them.
pub struct Gate {
    shared: Arc<GateShared>,
}

/// The test's side of a [`Gate`]. Cheap to clone.
#[derive(Clone)]
pub struct GateKey {
    shared: Arc<GateShared>,
}

struct GateShared {
    state: Mutex<GateState>,
    changed: Condvar,
}

struct GateState {
    open: bool,
    polls: usize,
    waker: Option<Waker>,
}

/// A new gate, closed.
pub fn gate() -> (Gate, GateKey) {
    let shared = Arc::new(GateShared {
        state: Mutex::new(GateState {
            open: false,
            polls: 0,
            waker: None,
        }),
        changed: Condvar::new(),
    });
    (
        Gate {
            shared: Arc::clone(&shared),
        },
        GateKey { shared },
    )
}

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = lock(&self.shared.state);
        state.polls += 1;
        let outcome = if state.open {
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        };
        drop(state);
        self.shared.changed.notify_all();
        outcome
    }
}

impl GateKey {
    /// Opens the gate and wakes the task that polled it last.
    pub fn open(&self) {
        let waker = {
            let mut state = lock(&self.shared.state);
            state.open = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes the task that polled the gate last, without opening it (a spurious wake-up, as far
    /// as the gate is concerned). Returns whether there was a waker to wake.
    pub fn nudge(&self) -> bool {
        let waker = lock(&self.shared.state).waker.clone();
        waker.map(|waker| waker.wake()).is_some()
    }

    /// How often the gate has been polled.
    pub fn polls(&self) -> usize {
        lock(&self.shared.state).polls
    }

    /// Waits until the gate has been polled at least `count` times, for at most `limit`, and
    /// returns how often it was polled by then.
    pub fn wait_for_polls(&self, count: usize, limit: Duration) -> usize {
        let state = lock(&self.shared.state);
        let (state, _) = self
            .shared
            .changed
            .wait_timeout_while(state, limit, |s| s.polls < count)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.polls
    }
}

/// Wraps a future and counts its polls in a counter the test keeps.
pub struct PollCounter<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F> PollCounter<F> {
    pub fn new(inner: F) -> (PollCounter<F>, Arc<AtomicUsize>) {
        let polls = Arc::new(AtomicUsize::new(0));
        (
            PollCounter {
                inner: Box::pin(inner),
                polls: Arc::clone(&polls),
            },
            polls,
        )
    }
}

impl<F: Future> Future for PollCounter<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// Counts how many of the values it hands out have been dropped.
#[derive(Clone, Default)]
pub struct DropCounter {
    dropped: Arc<AtomicUsize>,
}

/// A value that counts itself dropped in its [`DropCounter`].
pub struct Tracked {
    dropped: Arc<AtomicUsize>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

impl DropCounter {
    pub fn new() -> DropCounter {
        DropCounter::default()
    }

    /// A value to move into a future: when the future is dropped, so is the value.
    pub fn track(&self) -> Tracked {
        Tracked {
            dropped: Arc::clone(&self.dropped),
        }
    }

    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}

/// A future that leaves a clone of its task's waker in `slot`, then completes: it lets a test
/// hold on to a task's waker after the task has finished.
pub struct StealWaker {
    slot: Arc<Mutex<Option<Waker>>>,
}

impl StealWaker {
    pub fn new() -> (StealWaker, Arc<Mutex<Option<Waker>>>) {
        let slot = Arc::new(Mutex::new(None));
        (
            StealWaker {
                slot: Arc::clone(&slot),
            },
            slot,
        )
    }
}

impl Future for StealWaker {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *lock(&self.slot) = Some(cx.waker().clone());
        Poll::Ready(())
    }
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// The kernel's id of the calling thread (Linux, from `/proc/thread-self`), or 0 elsewhere.
pub fn current_thread_id() -> u32 {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|link| link.file_name()?.to_str()?.parse().ok())
        .unwrap_or(0)
}

/// Waits, at most [`PATIENCE`], until thread `tid` of this process is asleep (blocked in the
/// kernel: parked, waiting for a lock or for I/O) or has exited. Where `/proc` cannot say (not
/// Linux, `tid` 0), it returns at once.
pub fn wait_until_asleep_or_gone(tid: u32) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")) else {
            return; // gone (or no /proc)
        };
        // "tid (name) S …": the state follows the last ')'.
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        if state.is_none_or(|rest| !rest.starts_with('R')) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How long since `start`, in whole milliseconds, for messages.
pub fn millis_since(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

pub mod client;

/// Runs `executor.run_until_idle()` on a helper thread, failing the test if it has not returned
/// within [`PATIENCE`] (it must never block).
pub fn run_until_idle(executor: &lab_async_inside::executor::Executor) {
    let executor = executor.clone();
    within_patience("run_until_idle (which must never block)", move || {
        executor.run_until_idle()
    });
}
