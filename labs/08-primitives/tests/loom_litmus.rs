//! Loom models for Exercise 8.1: loom tries every value each load may return under the memory
//! model, so an ordering that is too weak fails here on every run, on any machine.
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_litmus`.

use lab_primitives::litmus::{Mailbox, raise_then_look};
use lab_primitives::sync::atomic::AtomicBool;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

// ANCHOR: store_buffering
#[test]
fn two_threads_that_raise_then_look_never_both_miss() {
    model(Bound::Exhaustive, || {
        let flags = Arc::new((AtomicBool::new(false), AtomicBool::new(false)));
        let other = thread::spawn({
            let flags = Arc::clone(&flags);
            move || raise_then_look(&flags.1, &flags.0)
        });
        let mine = raise_then_look(&flags.0, &flags.1);
        let theirs = other.join().expect("the other thread panicked");
        assert!(
            mine || theirs,
            "both threads read false: each missed the other's store. Release and Acquire do not \
             keep a store from moving after a later load; a fence(SeqCst) between them in both \
             threads does. (Loom treats SeqCst loads and stores like AcqRel ones, so it only \
             accepts the fence.)"
        );
    });
}
// ANCHOR_END: store_buffering

#[test]
fn a_read_that_sees_ready_sees_the_published_value() {
    model(Bound::Exhaustive, || {
        let mailbox = Arc::new(Mailbox::new());
        let publisher = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.publish(42)
        });
        if let Some(value) = mailbox.read() {
            assert_eq!(
                value, 42,
                "read saw the mailbox ready but read a stale value: the flag's store and load \
                 must be ordered around the value by a release fence before the store and an \
                 acquire fence after the load"
            );
        }
        publisher.join().expect("the publisher panicked");
        assert_eq!(
            mailbox.read(),
            Some(42),
            "after the join, the value is published"
        );
    });
}
