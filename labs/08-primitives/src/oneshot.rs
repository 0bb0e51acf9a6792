//! Exercise 8.2: a one-shot channel on an `UnsafeCell<MaybeUninit<T>>`, with the rules checked at
//! run time.

use std::mem::MaybeUninit;

use crate::sync::UnsafeCell;
use crate::sync::atomic::AtomicBool;
// You will also need `Ordering` from `crate::sync::atomic`.

// ANCHOR: oneshot
/// A channel that carries exactly one message from one thread to another, without a lock.
///
/// The message lives in `message`, which starts uninitialised. `in_use` is set by the first
/// [`send`](Self::send), so that a second one can be refused; `ready` says that a message has
/// been written and not yet received.
#[derive(Debug)]
pub struct OneShot<T> {
    message: UnsafeCell<MaybeUninit<T>>,
    in_use: AtomicBool,
    ready: AtomicBool,
}

// SAFETY: the atomics let exactly one thread write the message and exactly one thread take it
// out, after the write, so sharing a `OneShot` only ever moves the `T` from one thread to another,
// which `T: Send` allows. (No two threads ever see the `T` at once, so `T: Sync` is not needed.)
unsafe impl<T: Send> Sync for OneShot<T> {}
// ANCHOR_END: oneshot

impl<T> OneShot<T> {
    /// An empty channel.
    pub fn new() -> Self {
        OneShot {
            message: UnsafeCell::new(MaybeUninit::uninit()),
            in_use: AtomicBool::new(false),
            ready: AtomicBool::new(false),
        }
    }

    // ANCHOR: oneshot_methods
    /// Sends `message`: writes it into the channel and makes it ready to receive.
    ///
    /// Whatever the receiving thread does, the message is written before [`receive`]
    /// can take it: a `receive` never sees a half-written or stale message.
    ///
    /// # Panics
    ///
    /// If a message was sent on this channel before (even if it has been received since): the
    /// channel is one-shot. The second message is dropped, and the first is unharmed.
    ///
    /// [`receive`]: Self::receive
    pub fn send(&self, message: T) {
        todo!(
            "8.2: refuse a second send, write the message, then mark it ready (which ordering?) — see the chapter, Exercise 8.2"
        )
    }

    /// Whether a message has been sent and not yet received: when this returns `true`,
    /// [`receive`](Self::receive) will succeed (if no other thread receives first).
    pub fn is_ready(&self) -> bool {
        todo!("8.2: read the ready flag — see the chapter, Exercise 8.2")
    }

    /// Takes the message out of the channel.
    ///
    /// # Panics
    ///
    /// If no message is ready: none has been sent yet, or it has already been received.
    /// Check [`is_ready`](Self::is_ready) first, or wait until it says `true`.
    pub fn receive(&self) -> T {
        todo!(
            "8.2: claim the ready message (which ordering?), and only then read it out — see the chapter, Exercise 8.2"
        )
    }
    // ANCHOR_END: oneshot_methods
}

impl<T> Default for OneShot<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: oneshot_drop
impl<T> Drop for OneShot<T> {
    /// Drops a message that was sent and never received, exactly once; drops nothing else (the
    /// memory of a message never sent, or already received, holds no live `T`).
    fn drop(&mut self) {
        todo!("8.2: if a message is ready, drop it in place — see the chapter, Exercise 8.2")
    }
}
// ANCHOR_END: oneshot_drop
