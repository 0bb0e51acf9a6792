//! Exercise 9.1: a future by hand — a countdown that other threads tick and a task awaits.
//!
//! This is a countdown latch (lab 03 built one that blocks a thread) turned into a future: instead
//! of blocking, the waiting task returns `Poll::Pending` and leaves a [`Waker`] behind, and the
//! tick that finishes the count uses it to ask the task's executor to poll again.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use crate::lock;

// ANCHOR: types
/// Creates a countdown of `count` ticks: the [`Countdown`] future, which completes once the count
/// reaches zero, and the [`Ticker`] that counts it down. Clone the ticker to tick from several
/// threads or tasks.
pub fn countdown(count: usize) -> (Countdown, Ticker) {
    let state = Arc::new(Mutex::new(CountdownState {
        remaining: count,
        waker: None,
    }));
    (
        Countdown {
            state: Arc::clone(&state),
        },
        Ticker { state },
    )
}

/// The future half of [`countdown`]: completes once the count has reached zero.
pub struct Countdown {
    state: Arc<Mutex<CountdownState>>,
}

/// The counting half of [`countdown`]. Cheap to clone; `Send` and `Sync`.
#[derive(Clone)]
pub struct Ticker {
    state: Arc<Mutex<CountdownState>>,
}

/// What the two halves share.
struct CountdownState {
    /// Ticks still missing.
    remaining: usize,
    /// The waker of the last poll that returned `Pending`, if it has not been woken yet.
    waker: Option<Waker>,
}
// ANCHOR_END: types

impl Ticker {
    // ANCHOR: tick
    /// Counts one tick down.
    ///
    /// The tick that brings the count to zero wakes the task that polled the [`Countdown`] last
    /// (the waker of its latest `Pending` poll), exactly once. Earlier ticks wake nobody, and a
    /// tick once the count is zero does nothing. If the countdown was never polled, nobody is
    /// woken: its first poll will find the count at zero.
    ///
    /// May be called from any thread, also while another thread polls the countdown.
    pub fn tick(&self) {
        todo!(
            "9.1: count down, and wake the waiting task on the last tick — see the chapter, Exercise 9.1"
        )
    }
    // ANCHOR_END: tick

    /// The ticks still missing.
    pub fn remaining(&self) -> usize {
        lock(&self.state).remaining
    }
}

impl Future for Countdown {
    type Output = ();

    // ANCHOR: poll
    /// `Ready(())` once the count is zero (also on every later poll).
    ///
    /// Otherwise `Pending`, after keeping the waker of this poll's context in place of any
    /// earlier one: a task may be polled with a different waker each time (moved to another
    /// executor, or wrapped by a combinator), and only the latest one is sure to reach it.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!(
            "9.1: Ready at zero, else keep the latest waker and return Pending — see the chapter, Exercise 9.1"
        )
    }
    // ANCHOR_END: poll
}
