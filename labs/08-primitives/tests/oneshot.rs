//! Exercise 8.2 on real threads: the one-shot channel's rules, and what it drops.
//! `tests/loom_oneshot.rs` checks the orderings.

#![cfg(not(feature = "loom"))]

mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use common::{Counted, ZeroSized, drop_counter, drops, wait_until, zst_drops};
use lab_primitives::oneshot::OneShot;
use lab_support::within_patience;

#[test]
fn a_sent_message_is_received() {
    let channel = OneShot::new();
    channel.send(String::from("hello"));
    assert_eq!(channel.receive(), "hello");
}

#[test]
fn is_ready_says_whether_a_message_waits() {
    let channel = OneShot::new();
    assert!(
        !channel.is_ready(),
        "nothing was sent: is_ready must be false"
    );
    channel.send(1_u32);
    assert!(
        channel.is_ready(),
        "a message was sent: is_ready must be true"
    );
    assert_eq!(channel.receive(), 1);
    assert!(
        !channel.is_ready(),
        "the message was received: is_ready must be false again"
    );
}

#[test]
fn receive_without_a_message_panics() {
    let channel = OneShot::<u32>::new();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| channel.receive()));
    assert!(
        outcome.is_err(),
        "receive on a channel nothing was sent on must panic"
    );
}

#[test]
fn receive_twice_panics() {
    let channel = OneShot::new();
    channel.send(5_u32);
    assert_eq!(channel.receive(), 5);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| channel.receive()));
    assert!(
        outcome.is_err(),
        "the message was already received: a second receive must panic"
    );
}

#[test]
fn a_second_send_panics_and_the_first_message_stays() {
    let channel = OneShot::new();
    channel.send(1_u32);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| channel.send(2)));
    assert!(outcome.is_err(), "a second send must panic");
    assert_eq!(
        channel.receive(),
        1,
        "the failed second send must leave the first message as it was"
    );
}

#[test]
fn a_message_never_received_is_dropped_once_with_the_channel() {
    let counter = drop_counter();
    let channel = OneShot::new();
    channel.send(Counted::new(1, &counter));
    assert_eq!(drops(&counter), 0, "send must not drop the message");
    drop(channel);
    assert_eq!(
        drops(&counter),
        1,
        "a channel dropped with a message still in it must drop that message exactly once"
    );
}

#[test]
fn a_received_message_is_not_dropped_by_the_channel() {
    let counter = drop_counter();
    let channel = OneShot::new();
    channel.send(Counted::new(1, &counter));
    let message = channel.receive();
    drop(channel);
    assert_eq!(
        drops(&counter),
        0,
        "the message was received, so it is not the channel's to drop any more"
    );
    drop(message);
    assert_eq!(drops(&counter), 1);
}

#[test]
fn a_channel_never_sent_to_drops_nothing() {
    let channel = OneShot::<ZeroSized<0>>::new();
    drop(channel);
    assert_eq!(
        zst_drops::<0>(),
        0,
        "nothing was sent, so there is nothing to drop: Drop must look at whether a message is ready"
    );
}

#[test]
fn a_message_crosses_to_another_thread() {
    let channel = Arc::new(OneShot::new());
    let sender = std::thread::spawn({
        let channel = Arc::clone(&channel);
        move || channel.send(vec![1, 2, 3])
    });
    wait_until("is_ready to say true after the other thread sent", || {
        channel.is_ready()
    });
    assert_eq!(channel.receive(), [1, 2, 3]);
    within_patience("joining the sender", move || sender.join())
        .expect("the sending thread panicked");
}
