//! Given code: the text, its words, who owns each word, and the sequential count every
//! parallel count is checked against.
//!
//! Everything here is deterministic and the same in every process that runs it: the tests and
//! the processes of a cluster must agree on which worker owns which word.

use std::collections::BTreeMap;
use std::path::Path;

/// Word counts: each word with the number of times it occurs.
pub type Counts = BTreeMap<String, u64>;

// ANCHOR: words
/// The words of `text`, in order: the maximal runs of alphanumeric characters, lowercased.
/// Everything else (spaces, punctuation, line breaks) separates words.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}
// ANCHOR_END: words

// ANCHOR: owner
/// A hash of `word` that is the same in every process, on every machine and in every build
/// (64-bit FNV-1a, then a final mix so that its low bits depend on every byte). Unlike
/// [`std::hash::DefaultHasher`], nothing about it is left to the standard library to change.
pub fn key_hash(word: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in word.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // The finaliser of splitmix64: every bit of the result depends on every bit of `hash`.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The worker, out of `peers`, that owns `word`: `key_hash(word) % peers`. A timely exchange
/// whose routing function returns `key_hash(word)` sends the word to exactly this worker.
///
/// # Panics
///
/// If `peers` is 0.
pub fn owner(word: &str, peers: usize) -> usize {
    assert!(peers > 0, "there is no owner among 0 workers");
    (key_hash(word) % peers as u64) as usize
}
// ANCHOR_END: owner

// ANCHOR: splits
/// Cuts `text` into *splits* of `lines_per_split` lines each (the last one may be shorter), the
/// unit of input a worker reads, like the input splits of MapReduce. Each split keeps its line
/// breaks. An empty text has no splits.
///
/// # Panics
///
/// If `lines_per_split` is 0.
pub fn split_text(text: &str, lines_per_split: usize) -> Vec<String> {
    assert!(lines_per_split > 0, "a split must hold at least one line");
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(lines_per_split)
        .map(|chunk| {
            let mut split = chunk.join("\n");
            split.push('\n');
            split
        })
        .collect()
}

/// The splits that worker `worker` (out of `peers`) reads: every split whose position `i` in
/// `splits` has `i % peers == worker`. Every split is read by exactly one worker.
pub fn share(splits: &[String], worker: usize, peers: usize) -> impl Iterator<Item = &String> {
    splits
        .iter()
        .enumerate()
        .filter(move |(i, _)| i % peers == worker)
        .map(|(_, split)| split)
}
// ANCHOR_END: splits

/// Counts the words of `text` on one thread: the answer every parallel count must give.
pub fn sequential_count(text: &str) -> Counts {
    let mut counts = Counts::new();
    for word in words(text) {
        *counts.entry(word).or_default() += 1;
    }
    counts
}

/// Reads the text file at `path`, with an error message that names the file.
pub fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Adds `more` into `counts`.
pub fn add_counts(counts: &mut Counts, more: &Counts) {
    for (word, n) in more {
        *counts.entry(word.clone()).or_default() += n;
    }
}
