//! Exercises 3.1 and 3.2: a bounded blocking queue built from a `Mutex` and two `Condvar`s.

use std::collections::VecDeque;
use std::fmt;

use crate::sync::{Condvar, Mutex, MutexGuard, lock, wait};

// ANCHOR: fields
/// A first-in first-out queue of at most `capacity` items, shared by any number of producers and
/// consumers (put it in an `Arc`, or borrow it from scoped threads).
///
/// - [`push`](Self::push) blocks while the queue is full: a fast producer is held back to the
///   pace of its consumers (*backpressure*) instead of filling memory.
/// - [`pop`](Self::pop) blocks while the queue is empty.
/// - [`close`](Self::close) ends the stream: later pushes are refused, consumers drain what is
///   left and then get `None`. Every blocked thread wakes up.
pub struct BoundedQueue<T> {
    capacity: usize,
    state: Mutex<State<T>>,
    /// Signalled when an item arrives or the queue closes: consumers wait on it.
    not_empty: Condvar,
    /// Signalled when an item leaves or the queue closes: producers wait on it.
    not_full: Condvar,
}

/// Everything the mutex protects. Both fields change together, under the lock.
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}
// ANCHOR_END: fields

/// The error of [`BoundedQueue::push`] on a closed queue: the item comes back to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

impl<T> BoundedQueue<T> {
    /// An empty, open queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: such a queue could never accept an item.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a BoundedQueue needs a capacity of at least 1"
        );
        BoundedQueue {
            capacity,
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// The most items the queue holds at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items are in the queue right now (other threads may change it at once).
    pub fn len(&self) -> usize {
        self.state().items.len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether [`close`](Self::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.state().closed
    }

    fn state(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }

    // ANCHOR: blocking
    /// Adds `item` at the back, first waiting for as long as the queue is full.
    ///
    /// Wakes one consumer blocked in [`pop`](Self::pop).
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item, if the queue is closed when `push` is called or closes while
    /// `push` waits for room. The item is then not in the queue.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.state();
        while state.items.len() == self.capacity && !state.closed {
            state = wait(&self.not_full, state);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Removes the item at the front, first waiting for as long as the queue is empty and open.
    ///
    /// Returns `None` only when the queue is closed *and* empty: items pushed before
    /// [`close`](Self::close) are still handed out. Wakes one producer blocked in
    /// [`push`](Self::push).
    pub fn pop(&self) -> Option<T> {
        let mut state = self.state();
        if state.items.is_empty() && !state.closed {
            state = wait(&self.not_empty, state);
        }
        let item = state.items.pop_front()?;
        drop(state);
        self.not_full.notify_one();
        Some(item)
    }

    /// Closes the queue: every later [`push`](Self::push) fails, and once the items already in
    /// the queue have been popped every [`pop`](Self::pop) returns `None`.
    ///
    /// Wakes *every* thread blocked in `push` or `pop`, so that none sleeps forever. Closing
    /// twice is harmless.
    pub fn close(&self) {
        self.state().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
    // ANCHOR_END: blocking
}

impl<T> fmt::Debug for BoundedQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("BoundedQueue")
            .field("capacity", &self.capacity)
            .field("len", &state.items.len())
            .field("closed", &state.closed)
            .finish()
    }
}
