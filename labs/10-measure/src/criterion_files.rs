//! Reading what criterion saves (given, not an exercise).
//!
//! For every benchmark, `cargo bench` writes its measurements under
//! `target/criterion/<group>/<function>/<parameter>/new/`: `sample.json` (the raw samples),
//! `estimates.json` (criterion's statistics of them) and `tukey.json` (the outlier fences), among
//! others. These types read the parts this lab uses, so that you can check your own statistics
//! against criterion's on your own benchmarks (`cargo run -p lab-measure --example summarise_run`).

use serde::Deserialize;

// ANCHOR: sample
/// A sample set as criterion saves it in `sample.json`: for each sample, how many iterations of
/// the benchmarked routine it ran and how long they took together, in nanoseconds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedSample {
    /// `"Linear"` (sample `i` ran `i × d` iterations) or `"Flat"` (every sample ran as many).
    pub sampling_mode: String,
    pub iters: Vec<f64>,
    pub times: Vec<f64>,
}

impl SavedSample {
    /// Parses the contents of a `sample.json`.
    pub fn from_json(text: &str) -> serde_json::Result<SavedSample> {
        serde_json::from_str(text)
    }

    /// The time of one iteration in each sample, `times[i] / iters[i]`, in nanoseconds: the
    /// numbers criterion's estimates (mean, median, MAD, outliers) are computed from.
    pub fn per_iteration(&self) -> Vec<f64> {
        self.iters
            .iter()
            .zip(&self.times)
            .map(|(iters, time)| time / iters)
            .collect()
    }
}
// ANCHOR_END: sample

/// One of criterion's estimates: a point estimate and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Estimate {
    pub point_estimate: f64,
    pub standard_error: f64,
    pub confidence_interval: ConfidenceInterval,
}

/// A confidence interval as criterion saves it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct ConfidenceInterval {
    pub confidence_level: f64,
    pub lower_bound: f64,
    pub upper_bound: f64,
}

/// Criterion's statistics of a sample set, as it saves them in `estimates.json` (nanoseconds
/// per iteration). `slope` is there only for linear sampling.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct SavedEstimates {
    pub mean: Estimate,
    pub median: Estimate,
    pub median_abs_dev: Estimate,
    pub std_dev: Estimate,
    pub slope: Option<Estimate>,
}

impl SavedEstimates {
    /// Parses the contents of an `estimates.json`.
    pub fn from_json(text: &str) -> serde_json::Result<SavedEstimates> {
        serde_json::from_str(text)
    }
}

/// Tukey's fences as criterion saves them in `tukey.json`: low severe, low mild, high mild and
/// high severe, in nanoseconds per iteration.
pub fn fences_from_json(text: &str) -> serde_json::Result<[f64; 4]> {
    serde_json::from_str(text)
}
