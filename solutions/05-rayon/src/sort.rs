pub fn merge<T: Ord + Copy>(left: &[T], right: &[T], out: &mut [T]) {
    assert_eq!(
        out.len(),
        left.len() + right.len(),
        "merge: `out` must be exactly as long as `left` and `right` together"
    );
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
