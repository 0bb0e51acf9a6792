//! Exercise 8.3 on real threads: send, a receiver that sleeps until the message comes, a sender
//! dropped without sending, and what the channel drops. `tests/loom_channel_*.rs` check every
//! interleaving.

#![cfg(not(feature = "loom"))]

mod common;

use std::thread;

use common::{Counted, ZeroSized, drop_counter, drops, wait_until_asleep, zst_drops};
use lab_primitives::channel::{RecvError, channel};
use lab_support::within_patience;

#[test]
fn recv_gets_a_message_sent_before() {
    let received = within_patience("send, then recv on the same thread", || {
        let (sender, receiver) = channel();
        sender.send(String::from("hello"));
        receiver.recv()
    });
    assert_eq!(received, Ok(String::from("hello")));
}

#[test]
fn recv_sleeps_until_the_message_is_sent() {
    let (sender, receiver) = channel();
    let waiting = thread::spawn(move || receiver.recv());
    wait_until_asleep(waiting.thread().id(), "a receiver with nothing sent yet");
    sender.send(17_u64);
    let received = within_patience("the sleeping receiver to get the message", move || {
        waiting.join()
    })
    .expect("the receiving thread panicked");
    assert_eq!(
        received,
        Ok(17),
        "send must wake the sleeping receiver with the message"
    );
}

#[test]
fn recv_after_the_sender_is_dropped_unsent_is_an_error() {
    let received = within_patience("recv with the sender gone", || {
        let (sender, receiver) = channel::<u32>();
        drop(sender);
        receiver.recv()
    });
    assert_eq!(
        received,
        Err(RecvError),
        "the sender was dropped without sending: recv must return Err(RecvError)"
    );
}

#[test]
fn dropping_the_sender_wakes_a_sleeping_receiver_with_an_error() {
    let (sender, receiver) = channel::<u32>();
    let waiting = thread::spawn(move || receiver.recv());
    wait_until_asleep(waiting.thread().id(), "a receiver with nothing sent yet");
    drop(sender);
    let received = within_patience(
        "the sleeping receiver to give up once the sender is gone",
        move || waiting.join(),
    )
    .expect("the receiving thread panicked");
    assert_eq!(
        received,
        Err(RecvError),
        "a sender dropped without sending must wake the receiver, whose recv returns Err"
    );
}

#[test]
fn a_message_never_received_is_dropped_once() {
    let counter = drop_counter();
    let (sender, receiver) = channel();
    sender.send(Counted::new(1, &counter));
    assert_eq!(
        drops(&counter),
        0,
        "the receiver still exists: nothing is dropped yet"
    );
    drop(receiver);
    assert_eq!(
        drops(&counter),
        1,
        "both halves are gone: the unreceived message must be dropped exactly once"
    );

    let counter = drop_counter();
    let (sender, receiver) = channel();
    drop(receiver);
    sender.send(Counted::new(2, &counter));
    assert_eq!(
        drops(&counter),
        1,
        "the receiver was gone before send: the message must be dropped exactly once"
    );
}

#[test]
fn a_received_message_is_not_dropped_by_the_channel() {
    let counter = drop_counter();
    let (sender, receiver) = channel();
    sender.send(Counted::new(1, &counter));
    let message = within_patience("recv of a sent message", move || receiver.recv())
        .expect("a message was sent");
    assert_eq!(
        drops(&counter),
        0,
        "the message was received, so it is not the channel's to drop"
    );
    drop(message);
    assert_eq!(drops(&counter), 1);
}

#[test]
fn a_channel_with_nothing_sent_drops_nothing() {
    let (sender, receiver) = channel::<ZeroSized<1>>();
    drop(sender);
    drop(receiver);
    assert_eq!(
        zst_drops::<1>(),
        0,
        "nothing was sent, so there is nothing to drop: only a FULL slot holds a message"
    );
}

#[test]
fn messages_cross_between_threads() {
    const MESSAGES: u64 = 2_000;
    let total = within_patience("2000 channels, each sent on another thread", || {
        (0..MESSAGES)
            .map(|i| {
                let (sender, receiver) = channel();
                let sending = thread::spawn(move || sender.send(i));
                let received = receiver.recv().expect("the message was sent");
                sending.join().expect("the sending thread panicked");
                received
            })
            .sum::<u64>()
    });
    assert_eq!(
        total,
        MESSAGES * (MESSAGES - 1) / 2,
        "a message was lost or changed"
    );
}
