//! Exercise 5.6: `merge` and `par_merge_sort`.

mod common;

use std::cmp::Ordering;

use std::sync::Mutex;
use std::thread::{self, ThreadId};

use common::{Meeting, Numbers, test_pool};
use lab_rayon::sort::{merge, par_merge_sort, par_merge_sort_with_cutoff};
use lab_support::lock;

/// An item sorted by `key` only: items with equal keys are equal to `Ord`, and `tag` tells
/// them apart, so the tests can see whether a sort kept them in their original order.
#[derive(Debug, Clone, Copy)]
struct Keyed {
    key: u8,
    tag: u32,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

fn tags(items: &[Keyed]) -> Vec<(u8, u32)> {
    items.iter().map(|item| (item.key, item.tag)).collect()
}

fn merged(left: &[i32], right: &[i32]) -> Vec<i32> {
    let mut out = vec![0; left.len() + right.len()];
    merge(left, right, &mut out);
    out
}

#[test]
fn merge_interleaves_two_sorted_slices() {
    let cases: [(&[i32], &[i32], &[i32]); 7] = [
        (&[], &[], &[]),
        (&[1, 2, 3], &[], &[1, 2, 3]),
        (&[], &[1, 2, 3], &[1, 2, 3]),
        (&[1, 3, 5, 7], &[2, 4, 6], &[1, 2, 3, 4, 5, 6, 7]),
        (&[5, 6, 7], &[1, 2], &[1, 2, 5, 6, 7]),
        (&[1, 2], &[5, 6, 7], &[1, 2, 5, 6, 7]),
        (
            &[-3, 0, 0, 9],
            &[-3, 0, 10, 11],
            &[-3, -3, 0, 0, 0, 9, 10, 11],
        ),
    ];
    for (left, right, expected) in cases {
        assert_eq!(
            merged(left, right),
            expected,
            "merge of {left:?} and {right:?}: every item of both, in order, none lost (mind the \
             items left over when one side runs out)"
        );
    }
}

#[test]
fn merge_is_stable() {
    let left = [
        Keyed { key: 1, tag: 0 },
        Keyed { key: 2, tag: 1 },
        Keyed { key: 2, tag: 2 },
    ];
    let right = [
        Keyed { key: 1, tag: 10 },
        Keyed { key: 2, tag: 11 },
        Keyed { key: 3, tag: 12 },
    ];
    let mut out = [Keyed { key: 0, tag: 99 }; 6];
    merge(&left, &right, &mut out);
    assert_eq!(
        tags(&out),
        vec![(1, 0), (1, 10), (2, 1), (2, 2), (2, 11), (3, 12)],
        "on equal keys, the item from `left` must come first"
    );
}

#[test]
fn par_merge_sort_sorts_like_the_standard_library() {
    let mut numbers = Numbers::seeded(7);
    for len in 0..=70 {
        for cutoff in [0, 1, 2, 3, 8] {
            let original: Vec<i32> = (0..len).map(|_| numbers.below(20) as i32 - 10).collect();
            let mut sorted = original.clone();
            par_merge_sort_with_cutoff(&mut sorted, cutoff);
            let mut expected = original.clone();
            expected.sort();
            assert_eq!(
                sorted, expected,
                "par_merge_sort_with_cutoff(cutoff {cutoff}) of {original:?}"
            );
        }
    }

    let original: Vec<u64> = (0..50_000).map(|_| numbers.next_u64()).collect();
    let mut sorted = original.clone();
    par_merge_sort(&mut sorted);
    let mut expected = original;
    expected.sort_unstable();
    assert!(
        sorted == expected,
        "par_merge_sort of 50 000 random numbers differs from the standard library's sort"
    );
}

#[test]
fn par_merge_sort_is_stable() {
    let mut numbers = Numbers::seeded(11);
    for cutoff in [1, 2, 5, 1000] {
        let original: Vec<Keyed> = (0..300)
            .map(|tag| Keyed {
                key: numbers.below(6) as u8,
                tag,
            })
            .collect();
        let mut sorted = original.clone();
        par_merge_sort_with_cutoff(&mut sorted, cutoff);
        let mut expected = original;
        expected.sort(); // the standard library's sort is stable
        assert_eq!(
            tags(&sorted),
            tags(&expected),
            "with cutoff {cutoff}: items with equal keys must keep their original order"
        );
    }
}

/// A number whose every comparison first calls `watch`, to see which threads compare.
#[derive(Clone, Copy)]
struct Probe<'a> {
    value: u32,
    watch: &'a (dyn Fn() + Sync),
}

impl PartialEq for Probe<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Probe<'_> {}

impl PartialOrd for Probe<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Probe<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.watch)();
        self.value.cmp(&other.value)
    }
}

/// The numbers `len - 1` down to 0, each watched by `watch`.
fn probes(len: u32, watch: &(dyn Fn() + Sync)) -> Vec<Probe<'_>> {
    (0..len).rev().map(|value| Probe { value, watch }).collect()
}

fn values(items: &[Probe]) -> Vec<u32> {
    items.iter().map(|probe| probe.value).collect()
}

#[test]
fn par_merge_sort_sorts_both_halves_at_once_on_two_threads() {
    const THREADS: usize = 2;
    let meeting = Meeting::new(THREADS);
    let arrive = || meeting.arrive_or_panic("the comparisons of par_merge_sort_with_cutoff");
    let mut items = probes(64, &arrive);

    test_pool(THREADS).install(|| par_merge_sort_with_cutoff(&mut items, 4));

    assert_eq!(
        values(&items),
        (0..64).collect::<Vec<_>>(),
        "63 down to 0, sorted"
    );
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "the comparisons ran on the rayon threads {indices:?} only; sort the two halves with \
         rayon::join so that both threads of the pool take part"
    );
}

#[test]
fn par_merge_sort_splits_the_halves_again_to_keep_four_threads_busy() {
    const THREADS: usize = 4;
    let meeting = Meeting::new(THREADS);
    let arrive = || meeting.arrive_or_panic("the comparisons of par_merge_sort_with_cutoff");
    let mut items = probes(256, &arrive);

    test_pool(THREADS).install(|| par_merge_sort_with_cutoff(&mut items, 4));

    assert_eq!(
        values(&items),
        (0..256).collect::<Vec<_>>(),
        "255 down to 0, sorted"
    );
    assert_eq!(
        meeting.rayon_indices(),
        vec![0, 1, 2, 3],
        "every thread of a pool of 4 compared at the same time: the halves must be split again, \
         recursively, each split with rayon::join"
    );
}

#[test]
fn a_slice_no_longer_than_the_cutoff_is_sorted_on_the_calling_thread() {
    let threads: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());
    let record = || lock(&threads).push(thread::current().id());
    for (len, cutoff) in [(64, 64), (64, 100), (1, 0)] {
        let mut items = probes(len, &record);
        par_merge_sort_with_cutoff(&mut items, cutoff);
        assert_eq!(
            values(&items),
            (0..len).collect::<Vec<_>>(),
            "{len} items with cutoff {cutoff}, sorted"
        );
    }
    let me = thread::current().id();
    assert!(
        lock(&threads).iter().all(|&thread| thread == me),
        "a slice of at most `cutoff` items must not be split: it is sorted on the calling thread \
         (with slice::sort), but some comparisons ran on other threads"
    );
}
