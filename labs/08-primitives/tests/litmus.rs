//! Exercise 8.1 on real threads: what each function does. Whether the orderings are strong
//! enough no test on real hardware can decide every time; `tests/loom_litmus.rs` does.

// With the `loom` feature on, the lab's types only work inside a loom model.
#![cfg(not(feature = "loom"))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::wait_until;
use lab_primitives::litmus::{Mailbox, raise_then_look};
use lab_support::within_patience;

#[test]
fn raise_then_look_raises_mine_and_returns_theirs() {
    let (a, b) = (AtomicBool::new(false), AtomicBool::new(false));
    assert!(
        !raise_then_look(&a, &b),
        "`theirs` was false: raise_then_look must return what it read there"
    );
    assert!(
        a.load(Ordering::SeqCst),
        "raise_then_look(a, b) must store true into a"
    );
    assert!(
        raise_then_look(&b, &a),
        "`theirs` was already true: raise_then_look must return true"
    );
    assert!(
        b.load(Ordering::SeqCst),
        "raise_then_look(b, a) must store true into b"
    );
}

#[test]
fn a_mailbox_is_empty_until_published() {
    let mailbox = Mailbox::new();
    assert_eq!(mailbox.read(), None, "nothing was published yet");
    mailbox.publish(42);
    assert_eq!(
        mailbox.read(),
        Some(42),
        "after publish(42), read must return Some(42)"
    );
    assert_eq!(
        mailbox.read(),
        Some(42),
        "reading does not take the value away"
    );
}

#[test]
fn a_reader_on_another_thread_gets_the_published_value() {
    let mailbox = Arc::new(Mailbox::new());
    let publisher = std::thread::spawn({
        let mailbox = Arc::clone(&mailbox);
        move || mailbox.publish(7)
    });
    let mut seen = None;
    wait_until("the published value to show up in read()", || {
        seen = mailbox.read();
        seen.is_some()
    });
    assert_eq!(
        seen,
        Some(7),
        "read returned a value other than the published one"
    );
    within_patience("joining the publisher", move || publisher.join())
        .expect("the publishing thread panicked");
}
