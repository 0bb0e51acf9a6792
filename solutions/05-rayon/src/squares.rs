use rayon::prelude::*;

pub fn sum_of_terms<F>(n: u64, term: F) -> u128
where
    F: Fn(u64) -> u128 + Sync + Send,
{
    (0..n).into_par_iter().map(term).sum()
}

pub fn sum_of_squares_where<F>(numbers: &[u64], keep: F) -> u128
where
    F: Fn(u64) -> bool + Sync + Send,
{
    numbers
        .par_iter()
        .copied()
        .filter(|&number| keep(number))
        .map(square)
        .sum()
}
