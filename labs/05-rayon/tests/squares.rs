//! Exercise 5.1: `sum_of_terms` and `sum_of_squares_where`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Meeting, test_pool};
use lab_rayon::squares::{
    square, sum_of_squares, sum_of_squares_sequential, sum_of_squares_where, sum_of_terms,
};

/// `0² + 1² + … + (n-1)²` in closed form.
fn formula(n: u64) -> u128 {
    let n = u128::from(n);
    if n == 0 {
        0
    } else {
        (n - 1) * n * (2 * n - 1) / 6
    }
}

#[test]
fn sum_of_terms_of_squares_matches_the_formula() {
    for n in [0, 1, 2, 3, 10, 1_000, 100_003, 1_000_000] {
        assert_eq!(
            sum_of_terms(n, square),
            formula(n),
            "sum_of_terms({n}, square) must be 0² + 1² + … + {}²",
            n.saturating_sub(1)
        );
    }
    assert_eq!(
        sum_of_squares(5_000),
        sum_of_squares_sequential(5_000),
        "sum_of_squares (sum_of_terms with square) must agree with sum_of_squares_sequential"
    );
    assert_eq!(
        sum_of_terms(4, |x| u128::from(x) + 1),
        10,
        "sum_of_terms(4, x + 1) is 1 + 2 + 3 + 4: each number of 0..4 goes through `term`"
    );
}

#[test]
fn sum_of_terms_calls_term_once_per_number() {
    const N: u64 = 10_000;
    let calls: Vec<AtomicUsize> = (0..N).map(|_| AtomicUsize::new(0)).collect();
    let sum = sum_of_terms(N, |x| {
        calls[x as usize].fetch_add(1, Ordering::Relaxed);
        1
    });
    assert_eq!(
        sum,
        u128::from(N),
        "a term of 1 for each of the {N} numbers"
    );
    let wrong: Vec<usize> = (0..N as usize)
        .filter(|&x| calls[x].load(Ordering::Relaxed) != 1)
        .take(5)
        .collect();
    assert!(
        wrong.is_empty(),
        "`term` must be called exactly once for every number of 0..{N}, but not for {wrong:?}"
    );
}

#[test]
fn sum_of_terms_runs_on_more_than_one_thread() {
    const THREADS: usize = 2;
    let meeting = Meeting::new(THREADS);

    let sum = test_pool(THREADS).install(|| {
        sum_of_terms(64, |x| {
            meeting.arrive_or_panic("sum_of_terms");
            u128::from(x)
        })
    });

    assert_eq!(sum, (0..64).sum::<u128>(), "the sum of 0..64");
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "`term` ran on the rayon threads {indices:?} only; expected both threads of the pool"
    );
}

#[test]
fn sum_of_squares_where_keeps_the_numbers_keep_accepts() {
    let numbers: Vec<u64> = (0..100).collect();

    let small = sum_of_squares_where(&numbers, |x| x < 10);
    assert_eq!(
        small, 285,
        "keep(x) = x < 10 keeps 0..=9, whose squares add up to 285 (`keep` must see the \
         numbers, not their squares)"
    );

    let even = sum_of_squares_where(&numbers, |x| x % 2 == 0);
    let expected: u128 = (0..50).map(|k| 4 * k * k).sum();
    assert_eq!(
        even, expected,
        "the sum of the squares of the even numbers below 100"
    );

    assert_eq!(
        sum_of_squares_where(&numbers, |_| false),
        0,
        "nothing kept: the sum is 0"
    );
    assert_eq!(
        sum_of_squares_where(&[], |_| true),
        0,
        "no numbers: the sum is 0"
    );

    let calls = AtomicUsize::new(0);
    let all = sum_of_squares_where(&numbers, |_| {
        calls.fetch_add(1, Ordering::Relaxed);
        true
    });
    assert_eq!(all, formula(100), "everything kept: the sum of 0² … 99²");
    assert_eq!(
        calls.into_inner(),
        numbers.len(),
        "`keep` must be called exactly once per number"
    );
}

#[test]
fn sum_of_squares_where_runs_on_more_than_one_thread() {
    const THREADS: usize = 2;
    let numbers: Vec<u64> = (0..64).collect();
    let meeting = Meeting::new(THREADS);

    let sum = test_pool(THREADS).install(|| {
        sum_of_squares_where(&numbers, |x| {
            meeting.arrive_or_panic("sum_of_squares_where");
            x % 2 == 1
        })
    });

    let expected: u128 = (0..32).map(|k| (2 * k + 1) * (2 * k + 1)).sum();
    assert_eq!(sum, expected, "the sum of the odd squares below 64²");
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "`keep` ran on the rayon threads {indices:?} only; expected both threads of the pool"
    );
}
