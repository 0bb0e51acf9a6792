//! Exercise 10.4: Amdahl's law and Little's law, to explain a measured curve and to predict.

use std::time::Duration;

// ANCHOR: amdahl
/// Amdahl's law: the speedup on `n` cores of a program whose parallel fraction is `p` (the share
/// of its one-core running time that can run in parallel): `1 / ((1 - p) + p / n)`.
///
/// `p` is in `0.0..=1.0` and `n` at least 1; `n` is an `f64` so that curves can be drawn.
pub fn amdahl_speedup(p: f64, n: f64) -> f64 {
    todo!(
        "10.4: the sequential part plus the parallel part divided among n — see the chapter, Exercise 10.4"
    )
}

/// The parallel fraction `p` that best explains measured speedups.
///
/// Each point `(n, s)` is a speedup `s` (the one-thread time divided by the time on `n` threads)
/// measured with `n` threads on `n` cores. Amdahl's law says `1 - 1/s = p * (1 - 1/n)`, so with
/// `x = 1 - 1/n` and `y = 1 - 1/s` for every point, the fit is the least-squares line through the
/// origin: `p = sum(x * y) / sum(x * x)`, clamped to `0.0..=1.0`. Points with `n == 1` have
/// `x = 0` and change nothing.
///
/// # Panics
///
/// If no point has `n > 1` (there is nothing to fit), or a speedup is not positive.
pub fn fit_parallel_fraction(points: &[(usize, f64)]) -> f64 {
    todo!("10.4: linearise, then least squares through the origin — see the chapter, Exercise 10.4")
}
// ANCHOR_END: amdahl

// ANCHOR: little
/// Little's law, turned around: how many requests must be in flight at once to sustain
/// `throughput` requests per second when each takes `latency`, i.e. `throughput × latency`,
/// rounded up to a whole number (a fraction of a request in flight is one more request).
pub fn concurrency_needed(latency: Duration, throughput: f64) -> usize {
    todo!("10.4: in flight = throughput × latency, rounded up — see the chapter, Exercise 10.4")
}

/// How long `requests` requests take when at most `in_flight` are in flight at once and each
/// takes `latency`: they go in rounds of `in_flight`, the last round possibly smaller, so the
/// time is (number of rounds) × `latency`.
///
/// # Panics
///
/// If `in_flight` is 0.
pub fn batch_time(requests: usize, in_flight: usize, latency: Duration) -> Duration {
    todo!(
        "10.4: rounds × latency, counting a partial round as a round — see the chapter, Exercise 10.4"
    )
}
// ANCHOR_END: little
