//! Exercise 9.2: `block_on`, with futures the test controls from other threads.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use common::{gate, within_patience};
use lab_async_inside::block_on::block_on;

#[test]
fn block_on_returns_the_output_of_a_ready_future() {
    let output = within_patience("block_on of a ready future", || block_on(async { 6 * 7 }));

    assert_eq!(output, 42);
}

// ANCHOR: no_spin
#[test]
fn block_on_sleeps_until_woken_from_another_thread() {
    let (gate, key) = gate();
    // Another thread waits for the first poll, then gives `block_on` 100 ms to poll again on its
    // own, which it must not do: nobody has woken it. Only then does it open the gate.
    let opener = thread::spawn({
        let key = key.clone();
        move || {
            key.wait_for_polls(1, common::PATIENCE);
            let polls_while_nobody_woke_it = key.wait_for_polls(5, Duration::from_millis(100));
            key.open();
            polls_while_nobody_woke_it
        }
    });

    within_patience("block_on of a future woken by another thread", move || {
        block_on(gate)
    });

    let polls_while_nobody_woke_it = opener.join().expect("the opener thread");
    assert!(
        polls_while_nobody_woke_it <= 2,
        "block_on polled the future {polls_while_nobody_woke_it} times in 100 ms while nobody \
         woke it: it must sleep (park) until woken, not poll in a loop"
    );
    assert!(
        key.polls() <= polls_while_nobody_woke_it + 2,
        "one wake should cost one more poll (the future was polled {} times in all)",
        key.polls()
    );
}
// ANCHOR_END: no_spin

/// Wakes its own task during its first poll, returns `Pending`, then `Ready` on the next poll.
struct WakesItselfOnce {
    woken: bool,
}

impl Future for WakesItselfOnce {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.woken {
            return Poll::Ready("done");
        }
        self.woken = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_wake_during_the_poll_is_not_lost() {
    let output = within_patience(
        "block_on of a future that wakes itself during its poll",
        || block_on(WakesItselfOnce { woken: false }),
    );

    assert_eq!(output, "done");
}

#[test]
fn block_on_runs_an_async_block_through_several_waits() {
    let (first, first_key) = gate();
    let (second, second_key) = gate();
    let opener = thread::spawn(move || {
        // Opens each gate once the block waits on it.
        first_key.wait_for_polls(1, common::PATIENCE);
        first_key.open();
        second_key.wait_for_polls(1, common::PATIENCE);
        second_key.open();
    });

    let output = within_patience("block_on of an async block with two waits", move || {
        block_on(async move {
            first.await;
            second.await;
            "through both gates"
        })
    });

    opener.join().expect("the opener thread");
    assert_eq!(output, "through both gates");
}
