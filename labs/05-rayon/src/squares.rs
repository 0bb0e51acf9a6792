//! Exercise 5.1: sums with parallel iterators: map, filter and sum.

use std::hint::black_box;

// Parallel iterators need their traits in scope: add `use rayon::prelude::*;` here.

// ANCHOR: sequential
/// The square of `x`, widened to `u128` so that sums of many squares cannot overflow.
///
/// The [`black_box`] keeps the benchmarks honest: without it, the optimiser recognises
/// `(0..n).map(square).sum()` and replaces the whole loop with the closed formula
/// `(n-1)n(2n-1)/6`, so the "sequential" sum of ten million squares takes nanoseconds.
pub fn square(x: u64) -> u128 {
    let x = u128::from(black_box(x));
    x * x
}

/// `0² + 1² + … + (n-1)²` on the calling thread: the reference the parallel version must match.
pub fn sum_of_squares_sequential(n: u64) -> u128 {
    (0..n).map(square).sum()
}
// ANCHOR_END: sequential

// ANCHOR: sum_of_terms
/// `term(0) + term(1) + … + term(n-1)`, computed with a rayon parallel iterator over the range
/// `0..n`, on the current rayon pool (the global one, unless called inside
/// [`rayon::ThreadPool::install`]).
///
/// `term` is called exactly once per number, in no particular order, on the threads of the
/// current pool, several at once (hence `Sync`). 0 when `n == 0`.
pub fn sum_of_terms<F>(n: u64, term: F) -> u128
where
    F: Fn(u64) -> u128 + Sync + Send,
{
    todo!(
        "5.1: map every number of 0..n to its term, in parallel, and sum — see the chapter, Exercise 5.1"
    )
}
// ANCHOR_END: sum_of_terms

// ANCHOR: sum_of_squares
/// `0² + 1² + … + (n-1)²` in parallel: [`sum_of_terms`] with [`square`]. Equal to
/// [`sum_of_squares_sequential`]`(n)`.
pub fn sum_of_squares(n: u64) -> u128 {
    sum_of_terms(n, square)
}
// ANCHOR_END: sum_of_squares

// ANCHOR: sum_of_squares_where
/// The sum of the squares of the `numbers` for which `keep(number)` is true, computed with a
/// rayon parallel iterator on the current rayon pool.
///
/// `keep` sees the numbers themselves, not their squares. It is called exactly once per
/// number, in no particular order, on the threads of the current pool, several at once (hence
/// `Sync`). 0 when no number is kept.
pub fn sum_of_squares_where<F>(numbers: &[u64], keep: F) -> u128
where
    F: Fn(u64) -> bool + Sync + Send,
{
    todo!(
        "5.1: filter with `keep`, map to squares and sum, in parallel — see the chapter, Exercise 5.1"
    )
}
// ANCHOR_END: sum_of_squares_where
