//! Helpers only this lab's tests need: the texts they count, and the lab's program.
//!
//! Every text is made from a fixed seed, so every run counts the same words.

// Each test file uses only some of these helpers.
#![allow(dead_code)]

use std::path::Path;

use lab_cluster::count::WorkerCounts;
use lab_cluster::text::owner;

/// The lab's `wordcount` program (`src/bin/wordcount.rs`).
pub fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_wordcount"))
}

/// A small random number generator (xorshift64*), so that the texts are the same every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// `size` different words, some capitalised, as a text would have them.
pub fn vocabulary(size: usize) -> Vec<String> {
    const SYLLABLES: [&str; 12] = [
        "ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "be", "do", "gu", "pe",
    ];
    (0..size)
        .map(|i| {
            let mut word = String::new();
            let mut n = i + 12;
            while n > 0 {
                word.push_str(SYLLABLES[n % 12]);
                n /= 12;
            }
            if i % 7 == 0 {
                word[..1].to_uppercase() + &word[1..]
            } else {
                word
            }
        })
        .collect()
}

/// `lines` lines of 3 to 12 words each, drawn from a vocabulary of `words` words, with
/// punctuation between some of them.
pub fn text(seed: u64, lines: usize, words: usize) -> String {
    let vocabulary = vocabulary(words);
    let mut rng = Rng::new(seed);
    let mut text = String::new();
    for _ in 0..lines {
        let length = 3 + rng.below(10);
        for i in 0..length {
            if i > 0 {
                text.push_str([" ", " ", ", ", "; ", " - "][rng.below(5)]);
            }
            text.push_str(&vocabulary[rng.below(vocabulary.len())]);
        }
        text.push_str(".\n");
    }
    text
}

/// Like [`text`], but skewed: `hot` (a word of its own) is every other word.
pub fn skewed_text(seed: u64, lines: usize, words: usize, hot: &str) -> String {
    let mut rng = Rng::new(seed);
    text(seed, lines, words)
        .lines()
        .map(|line| {
            let mut skewed = String::new();
            for word in line.split(' ') {
                skewed.push_str(hot);
                skewed.push(' ');
                skewed.push_str(word);
                skewed.push(' ');
            }
            if rng.below(2) == 0 {
                skewed.push_str(hot);
            }
            skewed.trim_end().to_string() + "\n"
        })
        .collect()
}

/// Checks that every word each worker counted is one it owns, among `peers` workers.
pub fn assert_every_word_at_its_owner(workers: &[WorkerCounts], peers: usize) {
    for worker in workers {
        for word in worker.counts.keys() {
            let owner = owner(word, peers);
            assert_eq!(
                owner, worker.worker,
                "worker {} counted {word:?}, which worker {owner} of {peers} owns: every \
                 occurrence of a word must be sent to its owner (an exchange routed by \
                 key_hash(word)), so that each word is counted on exactly one worker",
                worker.worker
            );
        }
    }
}

/// Checks that the reports come from the workers `0..peers`, one each, in order.
pub fn assert_one_report_per_worker(workers: &[WorkerCounts], peers: usize) {
    let indices: Vec<usize> = workers.iter().map(|w| w.worker).collect();
    assert_eq!(
        indices,
        (0..peers).collect::<Vec<_>>(),
        "run_count should return one report per worker, in order of index"
    );
}
