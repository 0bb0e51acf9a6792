//! Why futures are pinned (given, not an exercise): a value that points into itself.
//!
//! An `async` block that keeps a reference to one of its own locals across an `.await` becomes,
//! once compiled, a struct holding both the local and a pointer to it: a *self-referential*
//! value. Move that value to another address and the pointer still points at the old one. Rust
//! cannot fix up such pointers, so it forbids the move instead: a future is polled through
//! `Pin<&mut Self>`, and a `Pin` of a type that is not [`Unpin`] gives no way to move the value
//! out (no `&mut` to it, no `mem::swap`, no `*pinned`). [`Gauge`] is the same situation written
//! by hand, with a raw pointer where the compiler would use a reference.
//!
//! Polling a future needs `Pin<&mut F>`. For a future that is not `Unpin`, `Pin::new` refuses:
//!
//! ```compile_fail
//! use std::future::Future;
//! use std::pin::Pin;
//! use std::task::{Context, Waker};
//!
//! let mut future = async {
//!     let readings = [3, 9, 4, 1];
//!     let largest = &readings[1]; // points into the future itself, once it runs
//!     std::future::ready(()).await;
//!     *largest
//! };
//! let mut cx = Context::from_waker(Waker::noop());
//! // error[E0277]: `{async block}` cannot be unpinned
//! let _ = Pin::new(&mut future).poll(&mut cx);
//! ```
//!
//! Pin it instead, on the stack with [`std::pin::pin!`] or on the heap with [`Box::pin`], and
//! poll it as often as you like:
//!
//! ```
//! use std::future::Future;
//! use std::task::{Context, Poll, Waker};
//!
//! let future = async {
//!     let readings = [3, 9, 4, 1];
//!     let largest = &readings[1];
//!     std::future::ready(()).await;
//!     *largest
//! };
//! let mut pinned = std::pin::pin!(future);
//! let mut cx = Context::from_waker(Waker::noop());
//! assert_eq!(pinned.as_mut().poll(&mut cx), Poll::Ready(9));
//! ```
//!
//! What the pin forbids is moving the future once it may hold pointers into itself, for example
//! after a first poll:
//!
//! ```compile_fail
//! use std::future::Future;
//! use std::task::{Context, Waker};
//!
//! let future = async {
//!     let readings = [3, 9, 4, 1];
//!     let largest = &readings[1];
//!     std::future::pending::<()>().await; // stops here, with `largest` pointing into `readings`
//!     *largest
//! };
//! let mut pinned = std::pin::pin!(future);
//! let mut cx = Context::from_waker(Waker::noop());
//! let _ = pinned.as_mut().poll(&mut cx);
//! // error[E0507]: cannot move out of dereference of `Pin<&mut {async block}>`
//! let moved = *pinned;
//! ```
//!
//! A pinned *box* can itself be moved freely: the future stays where it is on the heap, and only
//! the pointer to it moves.

use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;

// ANCHOR: gauge
/// Four readings and a pointer to the largest of them, *into the gauge itself*.
///
/// If a `Gauge` could move, `largest` would go on pointing at the place it moved from. So it is
/// only ever built pinned ([`Gauge::new`] returns `Pin<Box<Gauge>>`), and [`PhantomPinned`]
/// makes it `!Unpin`, so that safe code cannot move it out of its pin:
///
/// ```compile_fail
/// use lab_async_inside::pinning::Gauge;
///
/// let mut a = Gauge::new([3, 9, 4, 1]);
/// let mut b = Gauge::new([5, 2, 8, 7]);
/// // error[E0596]: cannot borrow data in dereference of `Pin<Box<Gauge>>` as mutable
/// std::mem::swap(&mut *a, &mut *b);
/// ```
pub struct Gauge {
    readings: [u32; 4],
    largest: NonNull<u32>,
    _pinned: PhantomPinned,
}

impl Gauge {
    /// A gauge of these readings, pinned on the heap: its address never changes again.
    pub fn new(readings: [u32; 4]) -> Pin<Box<Gauge>> {
        let mut gauge = Box::pin(Gauge {
            readings,
            largest: NonNull::dangling(),
            _pinned: PhantomPinned,
        });
        // SAFETY: we only assign a field of the pinned gauge; nothing is moved out of it.
        let inside = unsafe { gauge.as_mut().get_unchecked_mut() };
        let index = (0..inside.readings.len())
            .max_by_key(|&i| inside.readings[i])
            .unwrap_or(0);
        inside.largest = NonNull::from(&inside.readings[index]);
        gauge
    }

    /// The largest reading, read through the self-pointer.
    pub fn largest(self: Pin<&Self>) -> u32 {
        // SAFETY: `largest` points into `readings` of this very gauge, which is pinned: it has
        // not moved since `new` set the pointer, and it stays alive while `self` is borrowed.
        unsafe { *self.largest.as_ptr() }
    }

    /// The address of the reading `largest` points at, and the address of the gauge's own
    /// readings: the first lies inside the second.
    pub fn addresses(self: Pin<&Self>) -> (*const u32, *const [u32; 4]) {
        (self.largest.as_ptr(), &self.readings)
    }
}
// ANCHOR_END: gauge
