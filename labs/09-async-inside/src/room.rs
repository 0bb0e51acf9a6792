//! Exercise 9.10: a member of the room, and what it is told when it falls behind.

use std::sync::Arc;

use tokio::sync::broadcast;

// ANCHOR: member
/// A member of the room: the receiving end of the room's broadcast channel.
pub struct Member {
    receiver: broadcast::Receiver<Arc<str>>,
}

impl Member {
    /// A member receiving from `receiver` (see [`Shared::join`](crate::state::Shared::join)).
    pub fn new(receiver: broadcast::Receiver<Arc<str>>) -> Member {
        Member { receiver }
    }

    /// Waits for the next line to send this member:
    ///
    /// - `MSG text` for the next message said in the room, in the order they were said;
    /// - `LAGGED n` when the member fell so far behind that the room dropped the `n` oldest
    ///   messages it had not received yet: it is told so, and the oldest message still kept
    ///   comes next. A lagging member stays in the room;
    /// - `None` once the room is closed (its sender is gone) and every message kept for the
    ///   member has been delivered.
    ///
    /// Cancel safe: if the future is dropped before it completes (another branch of a `select!`
    /// won), no message is lost; the next call returns it.
    pub async fn next_line(&mut self) -> Option<String> {
        todo!("9.10: receive, and turn each outcome into a line — see the chapter, Exercise 9.10")
    }
}
// ANCHOR_END: member
