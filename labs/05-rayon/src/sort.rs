//! Exercise 5.6: divide and conquer with `rayon::join`: a parallel merge sort.

/// Slices of at most this many items are sorted sequentially by [`par_merge_sort`]: below
/// this, splitting the work costs more than it saves.
pub const CUTOFF: usize = 2048;

// ANCHOR: todo
/// Merges the sorted slices `left` and `right` into `out`, which must be exactly as long as
/// both together. The merge is stable: an item of `left` that equals an item of `right` comes
/// before it.
///
/// # Panics
///
/// If `out.len() != left.len() + right.len()`.
pub fn merge<T: Ord + Copy>(left: &[T], right: &[T], out: &mut [T]) {
    todo!(
        "5.6: repeatedly take the smaller front item of left and right — see the chapter, Exercise 5.6"
    )
}

/// Sorts `items` (stably) with a merge sort that sorts the two halves in parallel with
/// [`rayon::join`], recursively (each half is split again the same way), on the current rayon
/// pool, and merges them with [`merge`].
///
/// A slice of at most `cutoff` items (or of at most one item, when `cutoff` is 0) is not split:
/// it is sorted on the calling thread, with `slice::sort` (stable too).
pub fn par_merge_sort_with_cutoff<T>(items: &mut [T], cutoff: usize)
where
    T: Ord + Copy + Send,
{
    todo!(
        "5.6: split in halves, sort both with rayon::join, then merge — see the chapter, Exercise 5.6"
    )
}
// ANCHOR_END: todo

/// Sorts `items` stably with [`par_merge_sort_with_cutoff`] and the cutoff [`CUTOFF`].
pub fn par_merge_sort<T>(items: &mut [T])
where
    T: Ord + Copy + Send,
{
    par_merge_sort_with_cutoff(items, CUTOFF);
}
