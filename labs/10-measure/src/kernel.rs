//! The work the benchmarks measure (given, not an exercise): the sum of the squares of a slice
//! of numbers, computed three ways, on one thread, on one scoped thread per core, and with rayon.
//! All three return the same sum (squares and sums wrap around at `u64::MAX`).
//!
//! Each kernel also *counts*: every call adds one call and the length of its input to a tally
//! kept per thread (in a thread-local, about a nanosecond per call), and [`input`] counts the
//! inputs it makes. The tests of Exercise 10.5 read the tallies to check a benchmark group without
//! timing anything: they measure your benchmarks in elements instead of nanoseconds.

use std::cell::Cell;
use std::num::NonZeroUsize;
use std::thread;

use rayon::prelude::*;

// ANCHOR: kernels
/// The input of `len` numbers the benchmarks use: `0, 1, 2, …, len - 1`.
pub fn input(len: usize) -> Vec<u64> {
    INPUTS_MADE.with(|made| made.set(made.get() + 1));
    (0..len as u64).collect()
}

/// The sum of the squares of `data`, on the calling thread.
pub fn sequential(data: &[u64]) -> u64 {
    count(Kernel::Sequential, data.len());
    sum_of_squares(data)
}

/// The sum of the squares of `data`, split into one part per core ([`cores`]), each part summed
/// on a scoped thread of its own.
pub fn threads(data: &[u64]) -> u64 {
    count(Kernel::Threads, data.len());
    if data.is_empty() {
        return 0;
    }
    let part = data.len().div_ceil(cores());
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(part)
            .map(|chunk| s.spawn(|| sum_of_squares(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .fold(0, u64::wrapping_add)
    })
}

/// The sum of the squares of `data`, with a rayon parallel iterator on rayon's global pool.
pub fn rayon(data: &[u64]) -> u64 {
    count(Kernel::Rayon, data.len());
    data.par_iter()
        .map(|&x| x.wrapping_mul(x))
        .reduce(|| 0, u64::wrapping_add)
}
// ANCHOR_END: kernels

/// The number of cores this process may use (at least 1).
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

fn sum_of_squares(data: &[u64]) -> u64 {
    data.iter()
        .fold(0, |sum, &x| sum.wrapping_add(x.wrapping_mul(x)))
}

// ANCHOR: tally
/// One of the three kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    Sequential,
    Threads,
    Rayon,
}

/// What one kernel was asked to do on one thread, so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many times the kernel was called.
    pub calls: u64,
    /// How many numbers it was given, over all those calls.
    pub elements: u64,
}

/// The tally of `kernel` for the calls made from the calling thread.
pub fn tally(kernel: Kernel) -> Tally {
    TALLIES.with(|tallies| tallies.get()[kernel as usize])
}

/// How many inputs [`input`] has made on the calling thread.
pub fn inputs_made() -> u64 {
    INPUTS_MADE.with(Cell::get)
}
// ANCHOR_END: tally

thread_local! {
    static TALLIES: Cell<[Tally; 3]> = const { Cell::new([Tally { calls: 0, elements: 0 }; 3]) };
    static INPUTS_MADE: Cell<u64> = const { Cell::new(0) };
}

fn count(kernel: Kernel, elements: usize) {
    TALLIES.with(|tallies| {
        let mut all = tallies.get();
        let tally = &mut all[kernel as usize];
        tally.calls += 1;
        tally.elements += elements as u64;
        tallies.set(all);
    });
}
