//! Loom model for Exercise 8.3: a receiver that sleeps gets the message. (A file of its own: a
//! receiver that is never woken is a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_channel_send`.

use lab_primitives::channel::channel;
use lab_primitives::sync::thread;
use lab_support::loom::{Bound, model};

#[test]
fn recv_gets_the_message_sent_on_another_thread() {
    model(Bound::Exhaustive, || {
        let (sender, receiver) = channel();
        let sending = thread::spawn(move || sender.send(String::from("hello")));
        assert_eq!(
            receiver.recv().as_deref(),
            Ok("hello"),
            "recv must return the message sent"
        );
        sending.join().expect("the sender panicked");
    });
}
