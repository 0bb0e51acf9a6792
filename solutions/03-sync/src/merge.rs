//! Exercise 3.5: `select!` over two channels, with disconnection and an idle timeout.

use std::time::Duration;

use crossbeam_channel::{Receiver, never, select};

/// How [`merge_until_idle`] ended, with every message it received, in the order received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged<T> {
    /// Both channels disconnected: every sender was dropped and every message was received.
    Finished(Vec<T>),
    /// Neither channel delivered anything for the whole idle timeout.
    Idle(Vec<T>),
}

// ANCHOR: merge_until_idle
/// Receives from `left` and `right` as messages arrive on either, until both are disconnected
/// ([`Merged::Finished`]) or nothing arrives on either for `idle` ([`Merged::Idle`]).
///
/// - Messages from one channel keep their order; messages from the two are interleaved as they
///   come.
/// - A channel that disconnects is done, but the other one goes on: every message sent on either
///   channel before it disconnected is received.
/// - `idle` is measured from the last message (or the start), not from the start only: a steady
///   trickle of messages never times out.
pub fn merge_until_idle<T>(
    mut left: Receiver<T>,
    mut right: Receiver<T>,
    idle: Duration,
) -> Merged<T> {
    let mut received = Vec::new();
    let mut open = 2;
    while open > 0 {
        select! {
            recv(left) -> message => match message {
                Ok(message) => received.push(message),
                Err(_) => {
                    // Disconnected: stop selecting on it, or it would be "ready" forever.
                    left = never();
                    open -= 1;
                }
            },
            recv(right) -> message => match message {
                Ok(message) => received.push(message),
                Err(_) => {
                    right = never();
                    open -= 1;
                }
            },
            default(idle) => return Merged::Idle(received),
        }
    }
    Merged::Finished(received)
}
// ANCHOR_END: merge_until_idle
