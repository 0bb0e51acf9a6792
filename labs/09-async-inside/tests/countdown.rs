//! Exercise 9.1: the `Countdown` future, polled by hand with wakers that count their wakes.

mod common;

use std::pin::pin;
use std::task::Poll;
use std::thread;

use common::{counting_waker, poll_with, within_patience};
use lab_async_inside::countdown::countdown;

#[test]
fn a_countdown_of_zero_is_ready_at_once() {
    let (done, _ticker) = countdown(0);
    let (waker, _) = counting_waker();

    assert_eq!(poll_with(pin!(done), &waker), Poll::Ready(()));
}

// ANCHOR: last_tick
#[test]
fn only_the_last_tick_wakes_the_task_and_only_once() {
    let (done, ticker) = countdown(3);
    let mut done = pin!(done);
    let (waker, wakes) = counting_waker();

    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Pending);
    ticker.tick();
    ticker.tick();
    assert_eq!(
        wakes.wakes(),
        0,
        "two ticks of three: the countdown is not ready, so nobody should be woken yet"
    );
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Pending);

    ticker.tick();
    assert_eq!(
        wakes.wakes(),
        1,
        "the last tick must wake the task that is waiting, exactly once"
    );
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Ready(()));
}
// ANCHOR_END: last_tick

// ANCHOR: latest_waker
#[test]
fn the_last_tick_wakes_the_latest_waker_not_the_first() {
    let (done, ticker) = countdown(1);
    let mut done = pin!(done);
    let (first, first_wakes) = counting_waker();
    let (latest, latest_wakes) = counting_waker();

    // Polled once by one task (or executor), then by another: only the latest waker counts.
    assert_eq!(poll_with(done.as_mut(), &first), Poll::Pending);
    assert_eq!(poll_with(done.as_mut(), &latest), Poll::Pending);
    ticker.tick();

    assert_eq!(
        (first_wakes.wakes(), latest_wakes.wakes()),
        (0, 1),
        "the countdown must wake the waker of its latest poll (once), not one it was given before"
    );
}
// ANCHOR_END: latest_waker

#[test]
fn ticks_after_zero_do_nothing() {
    let (done, ticker) = countdown(1);
    let mut done = pin!(done);
    let (waker, wakes) = counting_waker();
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Pending);

    ticker.tick();
    ticker.tick();
    ticker.tick();

    assert_eq!(ticker.remaining(), 0, "the count stops at zero");
    assert_eq!(wakes.wakes(), 1, "only the tick that reached zero wakes");
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Ready(()));
}

#[test]
fn a_countdown_finished_before_its_first_poll_is_ready_and_woke_nobody() {
    let (done, ticker) = countdown(2);
    ticker.tick();
    ticker.tick();
    let (waker, wakes) = counting_waker();

    assert_eq!(poll_with(pin!(done), &waker), Poll::Ready(()));
    assert_eq!(wakes.wakes(), 0, "nobody was waiting, so nobody is woken");
}

#[test]
fn ticks_from_other_threads_wake_the_task_once() {
    let (done, ticker) = countdown(400);
    let mut done = pin!(done);
    let (waker, wakes) = counting_waker();
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Pending);

    within_patience("four threads ticking 100 times each", move || {
        thread::scope(|s| {
            for _ in 0..4 {
                let ticker = ticker.clone();
                s.spawn(move || {
                    for _ in 0..100 {
                        ticker.tick();
                    }
                });
            }
        });
    });

    assert!(
        wakes.wait_for(1),
        "400 ticks from four threads must bring the count to zero and wake the task"
    );
    assert_eq!(wakes.wakes(), 1, "woken exactly once");
    assert_eq!(poll_with(done.as_mut(), &waker), Poll::Ready(()));
}
