//! Exercise 10.1: summarise a sample set honestly.
//!
//! A *sample set* is what a benchmark measures: the same work timed many times, one number per
//! measurement (criterion's samples are times per iteration, in nanoseconds). Every function here
//! follows criterion's definitions, so that your summary of a sample set criterion saved agrees with
//! the estimates criterion reported for it.

// ANCHOR: summary
/// What a sample set looks like, in the unit of its samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// How many samples there are.
    pub count: usize,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// The arithmetic mean: the sum of the samples divided by their count.
    pub mean: f64,
    /// The 50th [`percentile`]: for an even count, halfway between the two middle samples.
    pub median: f64,
    /// The median absolute deviation, scaled as criterion scales it: [`MAD_SCALE`] times the
    /// median of the distances `|x - median|` of the samples from their median.
    pub mad: f64,
    /// The 95th [`percentile`].
    pub p95: f64,
    /// The 99th [`percentile`].
    pub p99: f64,
}

/// The factor that makes the median absolute deviation of normally distributed samples an
/// estimate of their standard deviation (criterion reports the MAD scaled by it).
pub const MAD_SCALE: f64 = 1.4826;
// ANCHOR_END: summary

// ANCHOR: percentile
/// The `p`-th percentile of `sorted`, a slice sorted in ascending order, by linear interpolation
/// between the closest ranks (criterion's method, also numpy's default):
///
/// - the rank of the percentile is `r = p / 100 * (n - 1)`, where `n = sorted.len()`;
/// - with `i` the integer part of `r` and `f = r - i` its fraction, the percentile is
///   `sorted[i] + (sorted[i + 1] - sorted[i]) * f`, or `sorted[i]` when `i` is the last index.
///
/// So the 0th percentile is the smallest value, the 100th the largest, and the 50th is the
/// median: the middle value for an odd `n`, halfway between the two middle values for an even `n`.
///
/// # Panics
///
/// If `sorted` is empty, or `p` is not in `0.0..=100.0`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    todo!("10.1: interpolate between the two closest ranks — see the chapter, Exercise 10.1")
}
// ANCHOR_END: percentile

// ANCHOR: summarise
/// The [`Summary`] of `samples`, which may come in any order. The percentiles (median, `p95`,
/// `p99`) are computed with [`percentile`] from the samples sorted in ascending order.
///
/// # Panics
///
/// If `samples` is empty.
pub fn summarise(samples: &[f64]) -> Summary {
    todo!(
        "10.1: sort a copy, then min, max, mean, median, MAD, p95, p99 — see the chapter, Exercise 10.1"
    )
}
// ANCHOR_END: summarise

// ANCHOR: fences
/// Tukey's fences, as criterion computes them: with `q1` and `q3` the 25th and 75th
/// [`percentile`]s of the samples and `iqr = q3 - q1` (the interquartile range),
///
/// - `low_severe = q1 - 3 * iqr`, `low_mild = q1 - 1.5 * iqr`,
/// - `high_mild = q3 + 1.5 * iqr`, `high_severe = q3 + 3 * iqr`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fences {
    pub low_severe: f64,
    pub low_mild: f64,
    pub high_mild: f64,
    pub high_severe: f64,
}

/// How many samples lie beyond each of Tukey's fences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outliers {
    /// Below `low_severe`.
    pub low_severe: usize,
    /// Below `low_mild`, but not below `low_severe`.
    pub low_mild: usize,
    /// Above `high_mild`, but not above `high_severe`.
    pub high_mild: usize,
    /// Above `high_severe`.
    pub high_severe: usize,
}

impl Outliers {
    /// All outliers, mild and severe, low and high.
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }
}

/// The [`Fences`] of `samples` (in any order).
///
/// # Panics
///
/// If `samples` is empty.
pub fn tukey_fences(samples: &[f64]) -> Fences {
    todo!(
        "10.1: the quartiles, the interquartile range, four fences — see the chapter, Exercise 10.1"
    )
}

impl Fences {
    /// Counts the samples beyond each fence. A sample exactly on a fence is not beyond it: a
    /// sample `x` is a low severe outlier if `x < low_severe`, a low mild one if
    /// `low_severe <= x < low_mild`, a high mild one if `high_mild < x <= high_severe`, and a
    /// high severe one if `x > high_severe`.
    pub fn count_outliers(&self, samples: &[f64]) -> Outliers {
        todo!(
            "10.1: sort each sample into one of the four counts, or none — see the chapter, Exercise 10.1"
        )
    }
}
// ANCHOR_END: fences
