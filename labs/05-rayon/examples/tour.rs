//! A tour of rayon, one section per idea of the chapter `book/05-rayon.md`.
//!
//! Run it with `cargo run -p lab-rayon --example tour`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

fn par_iter_basics() {
    // ANCHOR: par_iter
    let numbers: Vec<u64> = (1..=1_000).collect();

    // Sequential: an ordinary iterator.
    let sequential: u64 = numbers.iter().map(|&x| x * x).sum();
    // Parallel: the same chain, started with par_iter() instead of iter().
    let parallel: u64 = numbers.par_iter().map(|&x| x * x).sum();
    assert_eq!(sequential, parallel);

    // filter and count work the same way.
    let multiples_of_7 = numbers.par_iter().filter(|&&x| x % 7 == 0).count();
    println!("sum of squares {parallel}, multiples of 7: {multiples_of_7}");
    // ANCHOR_END: par_iter
}

fn identity_calls() {
    // ANCHOR: identity
    let calls = AtomicUsize::new(0);
    let numbers: Vec<u64> = (1..=1_000).collect();
    let total = numbers.par_iter().copied().reduce(
        || {
            calls.fetch_add(1, Ordering::Relaxed);
            0 // the identity of +: adding it changes nothing
        },
        |a, b| a + b,
    );
    println!(
        "reduce called the identity {} times for one sum of {total}",
        calls.load(Ordering::Relaxed)
    );
    // ANCHOR_END: identity
}

fn fold_then_reduce() {
    // ANCHOR: fold
    let colours = ["red", "blue", "red", "green", "blue", "red"];
    let counts: HashMap<&str, usize> = colours
        .par_iter()
        // Each piece of the input gets a map of its own, filled without any lock...
        .fold(HashMap::new, |mut counts, &colour| {
            *counts.entry(colour).or_insert(0) += 1;
            counts
        })
        // ...and then the maps of the pieces are merged, two at a time.
        .reduce(HashMap::new, |mut a, b| {
            for (colour, n) in b {
                *a.entry(colour).or_insert(0) += n;
            }
            a
        });
    println!("colour counts: {counts:?}");
    // ANCHOR_END: fold
}

fn chunks() {
    // ANCHOR: par_chunks
    let samples: Vec<f64> = (0..10).map(f64::from).collect();
    // One average per block of 4 samples; the last block has only 2.
    let averages: Vec<f64> = samples
        .par_chunks(4)
        .map(|block| block.iter().sum::<f64>() / block.len() as f64)
        .collect();
    assert_eq!(averages, vec![1.5, 5.5, 8.5]);
    println!("block averages: {averages:?}");
    // ANCHOR_END: par_chunks
}

fn own_pool() -> Result<(), rayon::ThreadPoolBuildError> {
    // ANCHOR: pool
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build()?;
    let (threads, sum) = pool.install(|| {
        // Everything rayon does in here runs on `pool`, not on the global pool.
        let sum: u64 = (0..1_000_u64).into_par_iter().sum();
        (rayon::current_num_threads(), sum)
    });
    println!("inside the pool: {threads} threads, sum {sum}");
    println!(
        "outside it: {} threads in the global pool",
        rayon::current_num_threads()
    );
    // ANCHOR_END: pool
    Ok(())
}

fn join() {
    // ANCHOR: join
    let (left, right) = rayon::join(
        || (0..500_u64).sum::<u64>(),     // may run on this thread...
        || (500..1_000_u64).sum::<u64>(), // ...while another thread steals this one
    );
    println!("join: {left} + {right} = {}", left + right);
    // ANCHOR_END: join
}

fn main() -> Result<(), rayon::ThreadPoolBuildError> {
    par_iter_basics();
    identity_calls();
    fold_then_reduce();
    chunks();
    own_pool()?;
    join();
    Ok(())
}
