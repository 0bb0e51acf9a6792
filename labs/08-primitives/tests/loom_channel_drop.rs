//! Loom model for Exercise 8.3: a message nobody receives is dropped exactly once, whichever half
//! goes last.
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_channel_drop`.

mod common;

use common::Counted;
use lab_primitives::channel::channel;
use lab_primitives::sync::atomic::{AtomicUsize, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn an_unreceived_message_is_dropped_exactly_once() {
    model(Bound::Exhaustive, || {
        let drops = Arc::new(AtomicUsize::new(0));
        let (sender, receiver) = channel();
        let sending = thread::spawn({
            let drops = Arc::clone(&drops);
            move || sender.send(Counted::new(&drops))
        });
        drop(receiver);
        sending.join().expect("the sender panicked");
        assert_eq!(
            drops.load(Ordering::Relaxed),
            1,
            "nobody received the message: the channel must drop it exactly once"
        );
    });
}
