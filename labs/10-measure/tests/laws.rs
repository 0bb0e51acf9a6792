//! Exercise 10.4: Amdahl's law, fitting it to a measured curve, and Little's law.

mod common;

use std::time::Duration;

use common::{assert_close, panics};
use lab_measure::laws::{amdahl_speedup, batch_time, concurrency_needed, fit_parallel_fraction};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn amdahl_speedup_follows_the_law() {
    for (p, n, expected, why) in [
        (
            0.0,
            8.0,
            1.0,
            "nothing parallel: no speedup on any number of cores",
        ),
        (1.0, 8.0, 8.0, "all parallel: 8 times faster on 8 cores"),
        (
            0.5,
            2.0,
            1.0 / 0.75,
            "half parallel on 2 cores: 1 / (0.5 + 0.25)",
        ),
        (
            0.9,
            10.0,
            1.0 / 0.19,
            "90% parallel on 10 cores: 1 / (0.1 + 0.09)",
        ),
        (0.95, 1.0, 1.0, "any program on one core: no speedup"),
    ] {
        assert_close(
            amdahl_speedup(p, n),
            expected,
            1e-12,
            &format!("amdahl_speedup({p}, {n}): {why}"),
        );
    }
}

#[test]
fn fit_recovers_the_parallel_fraction_of_an_exact_curve() {
    for p in [0.5, 0.8, 0.97] {
        let curve: Vec<(usize, f64)> = [1, 2, 4, 8]
            .iter()
            .map(|&n| (n, amdahl_speedup(p, n as f64)))
            .collect();
        assert_close(
            fit_parallel_fraction(&curve),
            p,
            1e-9,
            &format!("the parallel fraction of the exact Amdahl curve {curve:?}"),
        );
    }
}

#[test]
fn fit_is_least_squares_through_the_origin() {
    // x = 1 - 1/n: 0.5 and 0.75; y = 1 - 1/s: 0.375 and 0.6.
    // p = (0.5 × 0.375 + 0.75 × 0.6) / (0.5² + 0.75²) = 0.6375 / 0.8125.
    let points = [(1, 1.0), (2, 1.6), (4, 2.5)];
    assert_close(
        fit_parallel_fraction(&points),
        0.6375 / 0.8125,
        1e-12,
        &format!(
            "the fit of {points:?}: sum(x·y) / sum(x²) with x = 1 - 1/n and y = 1 - 1/s, not \
             an average of the points' own fractions"
        ),
    );
}

#[test]
fn fit_is_clamped_to_between_0_and_1() {
    assert_eq!(
        fit_parallel_fraction(&[(2, 2.5)]),
        1.0,
        "2.5 times faster on 2 threads (a superlinear speedup, from caches) fits a fraction \
         above 1, clamped to 1"
    );
    assert_eq!(
        fit_parallel_fraction(&[(1, 1.0), (2, 0.8)]),
        0.0,
        "slower on 2 threads than on 1 fits a negative fraction, clamped to 0"
    );
}

#[test]
fn fit_panics_without_a_point_on_several_threads() {
    assert_close(
        fit_parallel_fraction(&[(2, 1.5)]),
        2.0 / 3.0,
        1e-12,
        "one point, 1.5 times faster on 2 threads: x = 0.5, y = 1/3",
    );
    assert!(
        panics(|| fit_parallel_fraction(&[(1, 1.0)])),
        "a curve measured on one thread only says nothing about parallelism: the fit must panic"
    );
    assert!(
        panics(|| fit_parallel_fraction(&[])),
        "no points at all: the fit must panic"
    );
}

#[test]
fn fit_of_curves_measured_on_this_labs_machine() {
    // tests/fixtures/speedup.csv: median times on 1, 2, … threads, measured on the lab's 2-core
    // machine. Only points with at most as many threads as cores follow Amdahl's law; past that,
    // threads take turns, so the fit takes the points up to 2 threads.
    for curve in common::speedup_curves() {
        let one = curve.points[0].1;
        let points: Vec<(usize, f64)> = curve
            .points
            .iter()
            .filter(|&&(n, _)| n <= 2)
            .map(|&(n, t)| (n, one / t))
            .collect();
        let (expected, range) = expected_fraction(&curve.name);
        let p = fit_parallel_fraction(&points);
        assert_close(
            p,
            expected,
            1e-9,
            &format!(
                "the parallel fraction of {}, whose speedups are {points:?}",
                curve.name
            ),
        );
        assert!(
            range.contains(&p),
            "{}: a parallel fraction of {p} is outside the expected {range:?}",
            curve.name
        );
    }
}

/// What the fit of each measured curve must give: the exact value, and a range it must lie in.
fn expected_fraction(curve: &str) -> (f64, std::ops::RangeInclusive<f64>) {
    match curve {
        // Speedup 4.96 / 2.59 on 2 threads: p = 2 × (1 - 2.59 / 4.96).
        "rayon_sum_of_squares" => (2.0 * (1.0 - 2.59 / 4.96), 0.9..=1.0),
        other => panic!("no expected fraction for the curve {other}"),
    }
}

#[test]
fn concurrency_needed_is_throughput_times_latency_rounded_up() {
    for (latency, throughput, expected, why) in [
        (
            ms(50),
            200.0,
            10,
            "200 requests/s of 50 ms each: 10 in flight",
        ),
        (
            ms(50),
            210.0,
            11,
            "210 requests/s of 50 ms: 10.5 in flight, so 11",
        ),
        (
            ms(100),
            1_000.0,
            100,
            "1000 requests/s of 100 ms: 100 in flight",
        ),
        (
            ms(1_000),
            0.5,
            1,
            "one request every 2 s, of 1 s each: half a request, so 1",
        ),
        (
            ms(0),
            1_000.0,
            0,
            "requests that take no time need nothing in flight",
        ),
    ] {
        assert_eq!(
            concurrency_needed(latency, throughput),
            expected,
            "concurrency_needed({latency:?}, {throughput}): {why}"
        );
    }
}

#[test]
fn batch_time_is_rounds_times_latency() {
    // The I/O table of lab 07: 100 requests of 50 ms each.
    for (in_flight, expected, why) in [
        (1, ms(5_000), "one at a time: 100 rounds"),
        (
            8,
            ms(650),
            "8 at a time: 12 full rounds and a last one of 4, so 13 rounds",
        ),
        (10, ms(500), "10 at a time: 10 rounds"),
        (100, ms(50), "all at once: 1 round"),
        (1_000, ms(50), "more room than requests: still 1 round"),
    ] {
        assert_eq!(
            batch_time(100, in_flight, ms(50)),
            expected,
            "batch_time(100, {in_flight}, 50 ms): {why}"
        );
    }
    assert_eq!(
        batch_time(0, 4, ms(50)),
        Duration::ZERO,
        "no requests take no time"
    );
}

#[test]
fn batch_time_panics_with_nothing_in_flight() {
    assert_eq!(
        batch_time(10, 5, ms(50)),
        ms(100),
        "10 requests, 5 at a time: 2 rounds"
    );
    assert!(
        panics(|| batch_time(10, 0, ms(50))),
        "with 0 requests in flight nothing is ever done: batch_time must panic"
    );
}

#[test]
fn lab_07_measured_rounds_times_latency_plus_a_little() {
    // Lab 07's I/O table, measured with criterion on the same kind of machine (book/07-async.md):
    // 100 requests to a server that answers after 50 ms. Each measured time is the model's
    // rounds × latency plus the cost of the requests themselves, which is small.
    for (in_flight, measured_ms) in [(1, 5_150), (100, 61), (8, 672), (10, 521)] {
        let predicted = batch_time(100, in_flight, ms(50));
        let measured = ms(measured_ms);
        assert!(
            predicted <= measured && measured <= predicted.mul_f64(1.25),
            "with {in_flight} in flight lab 07 measured {measured:?}; rounds × latency predicts \
             {predicted:?}, which must be at most that and within 25% of it"
        );
    }
}
