//! The CPU stage's work (given, not an exercise): a deliberately expensive, deterministic
//! transform of a body. It tokenises the text, counts its words and its distinct words, and
//! computes a checksum by hashing the body `rounds` times over: `rounds` is the knob that makes
//! one item cost as much CPU time as an experiment needs.

use std::collections::BTreeSet;
use std::fmt;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// What the transform makes of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub words: usize,
    pub distinct: usize,
    pub checksum: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "words={} distinct={} checksum={:016x}",
            self.words, self.distinct, self.checksum
        )
    }
}

/// Why the transform of a body failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformError {
    /// The body is not UTF-8 text.
    NotText,
    /// The transform panicked; the panic's message, when it was a string (Exercise 11.5).
    Panicked(String),
}

impl fmt::Display for TransformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransformError::NotText => f.write_str("the body is not UTF-8 text"),
            TransformError::Panicked(message) => write!(f, "the transform panicked: {message}"),
        }
    }
}

impl std::error::Error for TransformError {}

/// A transform the pipeline can run on its CPU stage: [`summarise`] with some number of rounds,
/// or anything a test wants to put in its place.
pub type Transform = dyn Fn(&[u8]) -> Result<Summary, TransformError> + Send + Sync;

// ANCHOR: summarise
/// Summarises `body`: its words (runs of letters and digits, compared without case), how many
/// distinct words there are, and a checksum that takes `rounds` passes over the bytes (at least
/// one). Fails with [`TransformError::NotText`] if `body` is not UTF-8.
pub fn summarise(body: &[u8], rounds: u32) -> Result<Summary, TransformError> {
    let text = std::str::from_utf8(body).map_err(|_| TransformError::NotText)?;
    let mut distinct = BTreeSet::new();
    let mut words = 0;
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            words += 1;
            distinct.insert(word.to_lowercase());
        }
    }
    let mut checksum = 0xcbf2_9ce4_8422_2325_u64;
    for round in 0..rounds.max(1) {
        // FNV-1a over the body, seeded by the previous round: the cost grows with `rounds`.
        checksum ^= u64::from(round);
        for &byte in black_box(body) {
            checksum = (checksum ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(Summary {
        words,
        distinct: distinct.len(),
        checksum,
    })
}
// ANCHOR_END: summarise

/// How many rounds make [`summarise`] of `sample` take about `target` on this machine (at least
/// one). Measures a few hundred rounds and scales; as rough as any such estimate.
pub fn calibrate(sample: &[u8], target: Duration) -> u32 {
    const PROBE: u32 = 200;
    let start = Instant::now();
    let _ = black_box(summarise(sample, PROBE));
    let per_round = start.elapsed().as_secs_f64() / f64::from(PROBE);
    if per_round <= 0.0 {
        return 1;
    }
    (target.as_secs_f64() / per_round)
        .round()
        .clamp(1.0, f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarise_counts_words_and_distinct_words() {
        let summary = summarise(b"Tokio and rayon, tokio AND threads", 1).unwrap();
        assert_eq!((summary.words, summary.distinct), (6, 4));
    }

    #[test]
    fn summarise_is_deterministic_and_depends_on_rounds() {
        let one = summarise(b"a b c", 1).unwrap();
        assert_eq!(one, summarise(b"a b c", 1).unwrap());
        assert_ne!(one.checksum, summarise(b"a b c", 2).unwrap().checksum);
    }

    #[test]
    fn summarise_rejects_a_body_that_is_not_text() {
        assert_eq!(summarise(&[0xff, 0xfe], 1), Err(TransformError::NotText));
    }
}
