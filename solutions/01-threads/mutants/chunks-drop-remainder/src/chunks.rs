//! Exercise 1.2: split a slice into chunks and work on every chunk at once, with scoped threads.

use std::ops::Range;
use std::panic;
use std::thread;

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
/// If `parts` is 0.
pub fn chunk_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "cannot split work into 0 parts");
    let parts = parts.min(len);
    if parts == 0 {
        return Vec::new();
    }
    let size = len / parts;
    (0..parts)
        .map(|part| part * size..(part + 1) * size)
        .collect()
}

/// Splits `items` as [`chunk_ranges`] does (`threads` parts), calls `work` on every chunk, each
/// call on a scoped thread of its own, and returns the results in chunk order.
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
    let ranges = chunk_ranges(items.len(), threads);
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| {
                let chunk = &items[range];
                scope.spawn(move || work(chunk))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| panic::resume_unwind(payload))
            })
            .collect()
    })
}

/// The sum of `items`, computed on up to `threads` scoped threads (one chunk each, as
/// [`chunked_map`] splits them). The sum of an empty slice is 0.
///
/// # Panics
///
/// If `threads` is 0, or (in debug builds) if the sum overflows `u64`.
pub fn parallel_sum(items: &[u64], threads: usize) -> u64 {
    chunked_map(items, threads, |chunk| chunk.iter().sum::<u64>())
        .into_iter()
        .sum()
}
