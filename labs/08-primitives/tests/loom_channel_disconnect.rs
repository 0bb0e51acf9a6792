//! Loom model for Exercise 8.3: a receiver whose sender goes away unsent wakes with an error.
//! (A file of its own: a receiver that is never woken is a deadlock.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_channel_disconnect`.

use lab_primitives::channel::{RecvError, channel};
use lab_primitives::sync::thread;
use lab_support::loom::{Bound, model};

#[test]
fn recv_fails_when_the_sender_is_dropped_unsent() {
    model(Bound::Exhaustive, || {
        let (sender, receiver) = channel::<u32>();
        let dropping = thread::spawn(move || drop(sender));
        assert_eq!(
            receiver.recv(),
            Err(RecvError),
            "the sender was dropped without sending: recv must return Err(RecvError)"
        );
        dropping.join().expect("the dropping thread panicked");
    });
}
