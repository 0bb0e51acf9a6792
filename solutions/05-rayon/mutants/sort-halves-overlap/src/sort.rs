//! Exercise 5.6: divide and conquer with `rayon::join`: a parallel merge sort.

/// Slices of at most this many items are sorted sequentially by [`par_merge_sort`]: below
/// this, splitting the work costs more than it saves.
pub const CUTOFF: usize = 2048;

/// Merges the sorted slices `left` and `right` into `out`, which must be exactly as long as
/// both together. The merge is stable: an item of `left` that equals an item of `right` comes
/// before it.
///
/// # Panics
///
/// If `out.len() != left.len() + right.len()`.
pub fn merge<T: Ord + Copy>(left: &[T], right: &[T], out: &mut [T]) {
    let (mut l, mut r) = (0, 0);
    for slot in out.iter_mut() {
        // Take from the left on a tie: that keeps equal items in their original order.
        let take_left = r == right.len() || (l < left.len() && left[l] <= right[r]);
        if take_left {
            *slot = left[l];
            l += 1;
        } else {
            *slot = right[r];
            r += 1;
        }
    }
}

/// Sorts `items` (stably) with a merge sort that sorts the two halves in parallel with
/// [`rayon::join`], recursively, on the current rayon pool. A slice of at most `cutoff` items
/// (or of at most one item, when `cutoff` is 0) is sorted on the calling thread with
/// `slice::sort`.
pub fn par_merge_sort_with_cutoff<T>(items: &mut [T], cutoff: usize)
where
    T: Ord + Copy + Send,
{
    let cutoff = cutoff.max(1);
    if items.len() <= cutoff {
        items.sort();
        return;
    }
    let mid = items.len() / 2;
    let mut left = items[..=mid].to_vec();
    let mut right = items[mid..].to_vec();
    rayon::join(
        || par_merge_sort_with_cutoff(&mut left, cutoff),
        || par_merge_sort_with_cutoff(&mut right, cutoff),
    );
    merge(&left, &right, items);
}

/// Sorts `items` stably with [`par_merge_sort_with_cutoff`] and the cutoff [`CUTOFF`].
pub fn par_merge_sort<T>(items: &mut [T])
where
    T: Ord + Copy + Send,
{
    par_merge_sort_with_cutoff(items, CUTOFF);
}
