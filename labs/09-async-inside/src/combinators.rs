//! Exercises 9.6 and 9.7: `join` and `select` by hand, over two futures of any type.
//!
//! Neither may require `Unpin`: the futures of `async` blocks and `async fn`s are generally not
//! `Unpin`, so each must be pinned before it can be polled (see [`crate::pinning`]).

use std::future::Future;

// ANCHOR: join
/// Runs `a` and `b` concurrently, on the task that awaits the join, and returns both outputs.
///
/// Each time the join is polled it polls `a`, then `b`, with the join's own context (so either
/// can wake the task), skipping one that has already completed: a future is never polled again
/// after it returned `Ready`. The join completes once both have.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    todo!("9.6: pin both, poll both until both are done — see the chapter, Exercise 9.6")
}
// ANCHOR_END: join

/// The output of [`select`]: which future completed first, and its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

// ANCHOR: select
/// Waits for the first of `a` and `b` to complete and returns its output, `Left` for `a`,
/// `Right` for `b`.
///
/// Each time the select is polled it polls `a` first, then `b` (biased: if both could complete,
/// `a` wins), with the select's own context. As soon as one completes, the select completes:
/// the other, the loser, is not polled again, and it is dropped before the select's poll
/// returns `Ready` — cancelled, with everything it owned (a connection closes, a timer goes).
pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    todo!("9.7: pin both, poll a then b, return the first output — see the chapter, Exercise 9.7")
}
// ANCHOR_END: select
