//! Exercise 8.3: the one-shot channel again, with misuse made impossible by the types, and a
//! receiver that sleeps until the message comes.

use std::error::Error;
use std::fmt;
use std::mem::MaybeUninit;

use crate::sync::atomic::AtomicU32;
use crate::sync::{Arc, UnsafeCell};
// You will also need `Ordering` from `crate::sync::atomic`, and `crate::sync::{wait, wake_one}`.

// ANCHOR: slot
/// Nothing sent yet, and the sender still exists.
const EMPTY: u32 = 0;
/// A message has been written and not yet taken.
const FULL: u32 = 1;
/// No message, and none will come: the sender was dropped without sending, or the receiver has
/// taken the message.
const GONE: u32 = 2;

/// What the [`Sender`] and the [`Receiver`] share.
struct Slot<T> {
    /// [`EMPTY`], [`FULL`] or [`GONE`]; the receiver sleeps on it with `sync::wait`.
    state: AtomicU32,
    /// Initialised exactly while `state` is [`FULL`].
    message: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: as for `OneShot`: `state` lets one thread write the message and then one thread take
// it, so sharing the slot only moves the `T` from one thread to another.
unsafe impl<T: Send> Sync for Slot<T> {}

/// The sending half: [`send`](Sender::send) takes it by value, so it can send only once.
pub struct Sender<T> {
    slot: Arc<Slot<T>>,
}

/// The receiving half: [`recv`](Receiver::recv) takes it by value, so it can receive only once.
pub struct Receiver<T> {
    slot: Arc<Slot<T>>,
}

/// A one-shot channel: a [`Sender`] that can send one message and a [`Receiver`] that can
/// receive it. Either half may be moved to another thread.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        state: AtomicU32::new(EMPTY),
        message: UnsafeCell::new(MaybeUninit::uninit()),
    });
    (
        Sender {
            slot: Arc::clone(&slot),
        },
        Receiver { slot },
    )
}
// ANCHOR_END: slot

/// [`Receiver::recv`] found that the sender was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender was dropped without sending a message")
    }
}

impl Error for RecvError {}

// ANCHOR: channel_methods
impl<T> Sender<T> {
    /// Sends `message` and wakes the receiver if it sleeps in [`recv`](Receiver::recv).
    ///
    /// Never blocks. If the receiver has already been dropped, the message is dropped when the
    /// last half goes (here, at the end of `send`).
    pub fn send(self, message: T) {
        todo!(
            "8.3: write the message, publish it (which ordering?), wake the receiver — see the chapter, Exercise 8.3"
        )
    }
}

impl<T> Drop for Sender<T> {
    /// A sender dropped without sending marks the channel [`GONE`] and wakes the receiver, whose
    /// `recv` then returns `Err(RecvError)` instead of sleeping forever. After `send`, dropping
    /// the sender (which `send` itself does) changes nothing.
    fn drop(&mut self) {
        todo!(
            "8.3: only if nothing was sent, mark the slot GONE and wake the receiver — see the chapter, Exercise 8.3"
        )
    }
}

impl<T> Receiver<T> {
    /// Waits until the message comes, and returns it.
    ///
    /// Sleeps in `sync::wait` while nothing has been sent (no spinning: the tests check that a
    /// waiting receiver is inside `wait`).
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender was dropped without sending, before or during the wait.
    pub fn recv(self) -> Result<T, RecvError> {
        todo!(
            "8.3: sleep while the slot is EMPTY; take a FULL message (which ordering?); GONE is an error — see the chapter, Exercise 8.3"
        )
    }
}

impl<T> Drop for Slot<T> {
    /// Runs when the last half is gone: drops a message that was sent and never received,
    /// exactly once, and nothing else.
    fn drop(&mut self) {
        todo!("8.3: if the slot is FULL, drop the message in place — see the chapter, Exercise 8.3")
    }
}
// ANCHOR_END: channel_methods

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
