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
    assert_eq!(
        out.len(),
        left.len() + right.len(),
        "merge: `out` must be exactly as long as `left` and `right` together"
    );
    let (mut l, mut r, mut k) = (0, 0, 0);
    while l < left.len() && r < right.len() {
        if left[l] <= right[r] {
            out[k] = left[l];
            l += 1;
        } else {
            out[k] = right[r];
            r += 1;
        }
        k += 1;
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
    let mut buffer = items.to_vec();
    sort_with_buffer(items, &mut buffer, cutoff.max(1));
}

/// Sorts `items`, using `buffer` (exactly as long) as room to merge into.
fn sort_with_buffer<T>(items: &mut [T], buffer: &mut [T], cutoff: usize)
where
    T: Ord + Copy + Send,
{
    if items.len() <= cutoff {
        items.sort();
        return;
    }
    let mid = items.len() / 2;
    {
        let (left, right) = items.split_at_mut(mid);
        let (left_buffer, right_buffer) = buffer.split_at_mut(mid);
        rayon::join(
            || sort_with_buffer(left, left_buffer, cutoff),
            || sort_with_buffer(right, right_buffer, cutoff),
        );
    }
    merge(&items[..mid], &items[mid..], buffer);
    items.copy_from_slice(buffer);
}

/// Sorts `items` stably with [`par_merge_sort_with_cutoff`] and the cutoff [`CUTOFF`].
pub fn par_merge_sort<T>(items: &mut [T])
where
    T: Ord + Copy + Send,
{
    par_merge_sort_with_cutoff(items, CUTOFF);
}
