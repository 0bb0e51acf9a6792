//! Exercise 5.3: a word-frequency count with `fold` and `reduce`.

use std::collections::HashMap;

use rayon::prelude::*;

/// How many times each word occurs.
pub type Counts = HashMap<String, usize>;

/// The words of `line`: the runs of alphanumeric characters, lowercased. `"It's 4 o'clock!"`
/// gives `it`, `s`, `4`, `o`, `clock`.
pub fn words(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Counts the words of `lines` on the calling thread: the reference for [`word_counts`].
pub fn word_counts_sequential(lines: &[&str]) -> Counts {
    let mut counts = Counts::new();
    for word in lines.iter().flat_map(|line| words(line)) {
        *counts.entry(word).or_default() += 1;
    }
    counts
}

/// Adds the counts of `other` to those of `into` and returns the result: a word counted in both
/// gets the sum of its two counts.
///
/// (Folding the smaller map into the larger one is faster; either way the result is the same.)
pub fn merge_counts(into: Counts, other: Counts) -> Counts {
    let mut into = into;
    into.extend(other);
    into
}

/// The same counts as [`word_counts_sequential`], computed with a rayon parallel iterator over
/// `lines`: `fold` the words of each piece of `lines` into a `Counts` of its own, then `reduce`
/// those with [`merge_counts`].
pub fn word_counts(lines: &[&str]) -> Counts {
    lines
        .par_iter()
        .fold(Counts::new, |mut counts, line| {
            for word in words(line) {
                *counts.entry(word).or_default() += 1;
            }
            counts
        })
        .reduce(Counts::new, merge_counts)
}
