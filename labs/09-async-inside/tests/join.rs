//! Exercise 9.6: `join`, polled by hand.

mod common;

use std::future::{pending, ready};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::task::Poll;

use common::{PollCounter, counting_waker, gate, poll_with};
use lab_async_inside::combinators::join;

#[test]
fn join_returns_both_outputs() {
    let (waker, _) = counting_waker();

    let joined = poll_with(pin!(join(ready(1), async { "two" })), &waker);

    assert_eq!(joined, Poll::Ready((1, "two")));
}

// ANCHOR: join_both
#[test]
fn join_polls_the_second_future_while_the_first_waits() {
    let (gate, key) = gate();
    let first = async move {
        gate.await;
        "first"
    };
    let second = async move {
        key.open(); // lets the first one through: only if join polls us while it waits
        "second"
    };
    let mut joined = pin!(join(first, second));
    let (waker, wakes) = counting_waker();

    // Poll as an executor would: again only after a wake. A join that polls the second future
    // while the first waits gets through; one that waits for the first alone stays pending, and
    // nobody wakes it.
    for poll in 1..=3 {
        match poll_with(joined.as_mut(), &waker) {
            Poll::Ready(outputs) => {
                assert_eq!(outputs, ("first", "second"));
                return;
            }
            Poll::Pending => assert!(
                wakes.wakes() >= poll,
                "the join is pending and nobody will wake it: the second future opens the gate \
                 the first waits at, so join must poll the second even while the first is \
                 pending, with the join's own waker"
            ),
        }
    }
    panic!("the join was woken three times and is still pending");
}
// ANCHOR_END: join_both

#[test]
fn a_future_that_completed_is_not_polled_again() {
    let (early, early_polls) = PollCounter::new(ready('a'));
    let (gate, key) = gate();
    let mut joined = pin!(join(early, gate));
    let (waker, _) = counting_waker();

    for _ in 0..3 {
        assert_eq!(poll_with(joined.as_mut(), &waker), Poll::Pending);
    }
    key.open();
    assert_eq!(poll_with(joined.as_mut(), &waker), Poll::Ready(('a', ())));

    assert_eq!(
        early_polls.load(Ordering::SeqCst),
        1,
        "the first future completed on the first poll: polling it again is a bug (many futures \
         panic when polled after completion)"
    );
}

#[test]
fn join_hands_on_the_waker_of_its_latest_poll() {
    let (gate, key) = gate();
    let mut joined = pin!(join(gate, pending::<()>()));
    let (first, first_wakes) = counting_waker();
    let (latest, latest_wakes) = counting_waker();

    assert_eq!(poll_with(joined.as_mut(), &first), Poll::Pending);
    assert_eq!(poll_with(joined.as_mut(), &latest), Poll::Pending);
    key.open();

    assert_eq!((first_wakes.wakes(), latest_wakes.wakes()), (0, 1));
}

#[test]
fn join_takes_futures_that_borrow_from_themselves() {
    // Each async block keeps a reference to its own local across an await: neither is Unpin.
    let (gate_a, key_a) = gate();
    let (gate_b, key_b) = gate();
    let a = async move {
        let numbers = [1, 2, 3];
        let largest = numbers.iter().max().copied();
        let first = &numbers[0];
        gate_a.await;
        *first + largest.unwrap_or(0)
    };
    let b = async move {
        let word = String::from("pinned");
        let slice = &word[..3];
        gate_b.await;
        slice.len()
    };
    let mut joined = pin!(join(a, b));
    let (waker, _) = counting_waker();

    assert_eq!(poll_with(joined.as_mut(), &waker), Poll::Pending);
    key_b.open();
    assert_eq!(poll_with(joined.as_mut(), &waker), Poll::Pending);
    key_a.open();
    assert_eq!(poll_with(joined.as_mut(), &waker), Poll::Ready((4, 3)));
}
