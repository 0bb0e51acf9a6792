//! Exercise 9.7: `select`, polled by hand, with drop counters on the futures.

mod common;

use std::future::{pending, ready};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::task::Poll;

use common::{DropCounter, PollCounter, counting_waker, gate, poll_with};
use lab_async_inside::combinators::{Either, select};

// ANCHOR: loser_dropped
#[test]
fn the_first_to_complete_wins_and_the_loser_is_dropped() {
    let drops = DropCounter::new();
    let (gate_a, _key_a) = gate();
    let (gate_b, key_b) = gate();
    let tracked = drops.track();
    let a = async move {
        let _tracked = tracked; // dropped with this future
        gate_a.await;
        "a"
    };
    let b = async move {
        gate_b.await;
        "b"
    };
    let mut selected = pin!(select(a, b));
    let (waker, wakes) = counting_waker();

    assert_eq!(poll_with(selected.as_mut(), &waker), Poll::Pending);
    key_b.open();
    assert_eq!(wakes.wakes(), 1, "select must poll both with its own waker");
    assert_eq!(
        poll_with(selected.as_mut(), &waker),
        Poll::Ready(Either::Right("b"))
    );

    assert_eq!(
        drops.dropped(),
        1,
        "when select returns the winner, the loser must already be dropped (cancelled), not \
         kept alive until the select itself is dropped"
    );
}
// ANCHOR_END: loser_dropped

#[test]
fn when_the_first_is_ready_the_second_is_never_polled() {
    let (b, b_polls) = PollCounter::new(ready("b"));
    let (waker, _) = counting_waker();

    let selected = poll_with(pin!(select(ready("a"), b)), &waker);

    assert_eq!(selected, Poll::Ready(Either::Left("a")));
    assert_eq!(
        b_polls.load(Ordering::SeqCst),
        0,
        "select polls `a` first; once `a` has completed, `b` must not be polled"
    );
}

// ANCHOR: no_poll_after_win
#[test]
fn the_loser_is_not_polled_once_the_winner_completed() {
    let (gate_a, key_a) = gate();
    let (b, b_polls) = PollCounter::new(pending::<()>());
    let mut selected = pin!(select(gate_a, b));
    let (waker, _) = counting_waker();

    assert_eq!(poll_with(selected.as_mut(), &waker), Poll::Pending);
    assert_eq!(b_polls.load(Ordering::SeqCst), 1);
    key_a.open();
    assert_eq!(
        poll_with(selected.as_mut(), &waker),
        Poll::Ready(Either::Left(()))
    );

    assert_eq!(
        b_polls.load(Ordering::SeqCst),
        1,
        "on the poll where `a` completed, `b` must not be polled: the race is decided"
    );
}
// ANCHOR_END: no_poll_after_win

#[test]
fn select_does_not_wait_for_the_loser() {
    let drops = DropCounter::new();
    let tracked = drops.track();
    let never = async move {
        let _tracked = tracked;
        pending::<()>().await;
    };
    let (gate_a, key_a) = gate();
    let mut selected = pin!(select(gate_a, never));
    let (waker, _) = counting_waker();

    assert_eq!(poll_with(selected.as_mut(), &waker), Poll::Pending);
    key_a.open();

    assert_eq!(
        poll_with(selected.as_mut(), &waker),
        Poll::Ready(Either::Left(())),
        "`a` completed: select must return at once, whatever `b` does"
    );
    assert_eq!(drops.dropped(), 1, "and `b` is dropped");
}

#[test]
fn when_both_are_ready_the_first_wins() {
    let (waker, _) = counting_waker();

    let selected = poll_with(pin!(select(ready(1), ready(2))), &waker);

    assert_eq!(selected, Poll::Ready(Either::Left(1)));
}
