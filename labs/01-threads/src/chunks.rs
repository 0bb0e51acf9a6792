//! Exercise 1.2: split a slice into chunks and work on every chunk at once, with scoped threads.

use std::ops::Range;

// ANCHOR: chunk_ranges
/// Splits the indices `0..len` into at most `parts` ranges, one per thread.
///
/// - The ranges are contiguous and in order: together they cover `0..len`, each index once.
/// - There are `min(parts, len)` of them, none empty (so none when `len == 0`).
/// - Their lengths differ by at most one; the longer ones come first.
///
/// For example `chunk_ranges(10, 4)` is `[0..3, 3..6, 6..8, 8..10]`.
///
/// # Panics
///
/// If `parts` is 0, whatever `len` is (also when `len` is 0).
pub fn chunk_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    todo!(
        "1.2: split 0..len into at most `parts` near-equal ranges — see the chapter, Exercise 1.2"
    )
}
// ANCHOR_END: chunk_ranges

// ANCHOR: chunked_map
/// Splits `items` as [`chunk_ranges`] does (`threads` parts), calls `work` on every chunk, each
/// call on a scoped thread of its own (none on the calling thread), and returns the results in
/// chunk order, whatever order the threads finish in.
///
/// All the chunks are in progress at the same time: every thread is spawned before any is
/// joined. The threads borrow `items` (no copy, no `Arc`): [`std::thread::scope`] guarantees
/// they end before this function returns. An empty `items` spawns no thread and returns an
/// empty `Vec`.
///
/// # Panics
///
/// If `threads` is 0, or with the same payload if a call of `work` panics.
pub fn chunked_map<T, R, F>(items: &[T], threads: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    todo!("1.2: run `work` on every chunk on its own scoped thread — see the chapter, Exercise 1.2")
}
// ANCHOR_END: chunked_map

// ANCHOR: parallel_sum
/// The sum of `items`, computed on up to `threads` scoped threads: [`chunked_map`] splits the
/// items, each chunk is summed on its own thread, and the calling thread adds up the chunks'
/// sums. The sum of an empty slice is 0.
///
/// # Panics
///
/// If `threads` is 0. In debug builds, also if the sum overflows `u64`: an overflow inside a
/// chunk panics on that chunk's thread, and the panic is passed on to the caller.
pub fn parallel_sum(items: &[u64], threads: usize) -> u64 {
    todo!("1.2: sum the chunks in parallel with `chunked_map` — see the chapter, Exercise 1.2")
}
// ANCHOR_END: parallel_sum
