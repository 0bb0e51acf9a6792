//! Exercise 5.3: a word-frequency count with `fold` and `reduce`.

use std::collections::HashMap;

// Parallel iterators need their traits in scope: add `use rayon::prelude::*;` here.

/// How many times each word occurs.
pub type Counts = HashMap<String, usize>;

// ANCHOR: words
/// The words of `line`: the runs of alphanumeric characters, lowercased. `"It's 4 o'clock!"`
/// gives `it`, `s`, `4`, `o`, `clock`.
pub fn words(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Counts the words of `lines` on the calling thread: the reference for [`word_counts`].
pub fn word_counts_sequential<L: AsRef<str>>(lines: &[L]) -> Counts {
    let mut counts = Counts::new();
    for word in lines.iter().flat_map(|line| words(line.as_ref())) {
        *counts.entry(word).or_default() += 1;
    }
    counts
}
// ANCHOR_END: words

// ANCHOR: todo
/// Adds the counts of `other` to those of `into` and returns the result: a word counted in both
/// gets the sum of its two counts.
///
/// (Folding the smaller map into the larger one is faster; either way the result is the same.)
pub fn merge_counts(into: Counts, other: Counts) -> Counts {
    todo!("5.3: add every count of `other` to `into` — see the chapter, Exercise 5.3")
}

/// The same counts as [`word_counts_sequential`], computed with a rayon parallel iterator over
/// `lines` on the current rayon pool: each piece of `lines` is counted into a `Counts` of its
/// own (`fold`), and those are added up with [`merge_counts`] (`reduce`).
///
/// A line is anything that gives a `&str` (`&str`, `String`…); its text is read with
/// `as_ref()` on the threads of the current pool, several at once.
pub fn word_counts<L>(lines: &[L]) -> Counts
where
    L: AsRef<str> + Sync,
{
    todo!(
        "5.3: fold each piece into its own map, then reduce with merge_counts — see the chapter, Exercise 5.3"
    )
}
// ANCHOR_END: todo
