//! Exercise 10.2: compare two versions. Is B faster than A, slower, the same, or can the data not
//! tell?

use crate::rng::Rng;

// ANCHOR: types
/// What the data say about B against A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// B is faster than A by more than the noise threshold.
    Faster,
    /// B is slower than A by more than the noise threshold.
    Slower,
    /// Any difference between A and B is within the noise threshold.
    Same,
    /// The data do not say: the confidence interval reaches both inside and outside the noise
    /// threshold.
    CantTell,
}

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The confidence level of the interval, in `(0, 1)`: 0.95 for a 95% interval.
    pub confidence: f64,
    /// Changes smaller than this fraction of A's time count as no change: 0.02 for 2%.
    pub noise: f64,
    /// How many bootstrap resamples to draw (at least 1).
    pub resamples: usize,
}

impl Default for Settings {
    /// Criterion's confidence level (95%), a 2% noise threshold, 10 000 resamples.
    fn default() -> Settings {
        Settings {
            confidence: 0.95,
            noise: 0.02,
            resamples: 10_000,
        }
    }
}

/// The result of [`compare`]: B's median time as a fraction of A's, with a confidence interval,
/// and the verdict they lead to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// `median(b) / median(a)`: 0.8 means B takes 80% of A's time.
    pub ratio: f64,
    /// The lower end of the confidence interval of the ratio.
    pub low: f64,
    /// The upper end of the confidence interval of the ratio.
    pub high: f64,
    pub verdict: Verdict,
}
// ANCHOR_END: types

// ANCHOR: compare
/// Compares the sample sets `a` (the old version) and `b` (the new one), both times of the same
/// work, with a bootstrap:
///
/// 1. `ratio` is `median(b) / median(a)`, medians as in Exercise 10.1;
/// 2. `settings.resamples` times: draw `a.len()` samples from `a` with replacement (each one
///    `a[rng.below(a.len())]`), then `b.len()` samples from `b` the same way, and compute the
///    ratio of the medians of the two resampled sets;
/// 3. `low` and `high` are the percentiles `(1 - confidence) / 2 * 100` and
///    `(1 + confidence) / 2 * 100` of those ratios (Exercise 10.1's [`crate::summary::percentile`]),
///    so that the interval holds the central `confidence` share of them;
/// 4. the verdict is [`Verdict::Faster`] if `high < 1 - noise`, [`Verdict::Slower`] if
///    `low > 1 + noise`, [`Verdict::Same`] if `1 - noise <= low` and `high <= 1 + noise`, and
///    [`Verdict::CantTell`] otherwise.
///
/// The same inputs and the same `rng` state give the same result.
///
/// # Panics
///
/// If `a` or `b` is empty, or `settings` is out of range.
pub fn compare(a: &[f64], b: &[f64], settings: Settings, rng: &mut Rng) -> Comparison {
    todo!(
        "10.2: bootstrap the ratio of the medians, then read the interval — see the chapter, Exercise 10.2"
    )
}
// ANCHOR_END: compare
