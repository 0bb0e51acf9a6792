//! Exercise 9.2: `block_on`, the smallest executor: run one future to completion on the calling
//! thread, sleeping while it waits.

use std::future::Future;
use std::sync::Arc;
use std::task::Wake;
use std::thread::Thread;

// ANCHOR: waker
/// The waker of [`block_on`]: it knows the thread that is blocked in `block_on`. Turn it into a
/// [`std::task::Waker`] with `Waker::from(Arc::new(ThreadWaker { … }))`.
pub struct ThreadWaker {
    /// The thread running `block_on`, the one to wake.
    pub thread: Thread,
}

impl Wake for ThreadWaker {
    /// Wakes the thread blocked in `block_on`, whichever thread calls it (often another one: a
    /// timer, an I/O thread). A wake that arrives while that thread is not yet asleep is not lost:
    /// its next attempt to sleep returns at once.
    fn wake(self: Arc<Self>) {
        todo!("9.2: wake the blocked thread — see the chapter, Exercise 9.2")
    }
}
// ANCHOR_END: waker

// ANCHOR: block_on
/// Runs `future` to completion on the calling thread and returns its output.
///
/// Polls the future with a waker built on [`ThreadWaker`] for the calling thread. When the future
/// returns `Pending`, the thread sleeps (parks) until the waker is woken, and only then polls
/// again: it never spins. A future that is woken once is polled once more (a spurious wake-up of
/// the thread may add a poll now and then, never a steady stream of them). A wake that arrives
/// during a poll, before the thread goes to sleep, is not lost.
pub fn block_on<F: Future>(future: F) -> F::Output {
    todo!("9.2: poll, and park until woken — see the chapter, Exercise 9.2")
}
// ANCHOR_END: block_on
