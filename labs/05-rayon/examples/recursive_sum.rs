//! A recursive algorithm, parallelised: a divide-and-conquer sum of squares with `rayon::join`,
//! which prints which rayon thread worked on each range.
//!
//! Run it with `cargo run --release -p lab-rayon --example recursive_sum`.

use std::ops::Range;

use lab_rayon::squares::square;

// ANCHOR: recursive_sum
/// `start² + … + (end-1)²` for `range`: the two halves are summed at the same time by
/// `rayon::join`, each by this same function, down to ranges of at most `cutoff` numbers.
fn sum_of_squares(range: Range<u64>, cutoff: u64, depth: usize) -> u128 {
    let thread = rayon::current_thread_index().map_or("-".to_string(), |i| i.to_string());
    println!(
        "{:indent$}{range:?} on thread {thread}",
        "",
        indent = 2 * depth
    );
    if range.end - range.start <= cutoff {
        return range.map(square).sum();
    }
    let mid = range.start + (range.end - range.start) / 2;
    let (left, right) = rayon::join(
        || sum_of_squares(range.start..mid, cutoff, depth + 1),
        || sum_of_squares(mid..range.end, cutoff, depth + 1),
    );
    left + right
}
// ANCHOR_END: recursive_sum

fn main() {
    const N: u64 = 1 << 24;
    let total = sum_of_squares(0..N, N / 8, 0);
    let n = u128::from(N);
    println!("total {total} (expected {})", (n - 1) * n * (2 * n - 1) / 6);
}
