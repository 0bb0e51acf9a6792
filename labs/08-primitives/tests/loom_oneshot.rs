//! Loom models for Exercise 8.2. The message lives in loom's `UnsafeCell`, which records every
//! access: a read of the message that is not ordered after its write fails with a "Causality
//! violation".
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_oneshot`.

mod common;

use common::Counted;
use lab_primitives::oneshot::OneShot;
use lab_primitives::sync::atomic::{AtomicUsize, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn a_message_sent_on_one_thread_is_received_whole_on_another() {
    model(Bound::Exhaustive, || {
        let channel = Arc::new(OneShot::new());
        let sender = thread::spawn({
            let channel = Arc::clone(&channel);
            move || channel.send(String::from("hello"))
        });
        if channel.is_ready() {
            assert_eq!(channel.receive(), "hello");
        }
        sender.join().expect("the sender panicked");
    });
}

#[test]
fn a_message_is_dropped_exactly_once_whoever_drops_the_channel() {
    model(Bound::Exhaustive, || {
        let drops = Arc::new(AtomicUsize::new(0));
        let channel = Arc::new(OneShot::new());
        let sender = thread::spawn({
            let (channel, drops) = (Arc::clone(&channel), Arc::clone(&drops));
            move || channel.send(Counted::new(&drops))
        });
        let received = channel.is_ready().then(|| channel.receive());
        drop(channel);
        sender.join().expect("the sender panicked");
        drop(received);
        assert_eq!(
            drops.load(Ordering::Relaxed),
            1,
            "the message must be dropped exactly once: by its receiver, or else by the channel"
        );
    });
}
