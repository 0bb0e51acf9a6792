pub fn amdahl_speedup(p: f64, n: f64) -> f64 {
    1.0 / ((1.0 - p) + p / n)
}

pub fn fit_parallel_fraction(points: &[(usize, f64)]) -> f64 {
    assert!(
        points.iter().any(|&(n, _)| n > 1),
        "fitting needs a point measured on more than one thread"
    );
    let (mut xy, mut xx) = (0.0, 0.0);
    for &(n, s) in points {
        assert!(s > 0.0, "a speedup of {s} is not a speedup");
        let x = 1.0 - 1.0 / n as f64;
        let y = 1.0 - 1.0 / s;
        xy += x * y;
        xx += x * x;
    }
    (xy / xx).clamp(0.0, 1.0)
}

pub fn concurrency_needed(latency: Duration, throughput: f64) -> usize {
    (throughput * latency.as_secs_f64()).ceil() as usize
}

pub fn batch_time(requests: usize, in_flight: usize, latency: Duration) -> Duration {
    assert!(
        in_flight > 0,
        "nothing can be done with 0 requests in flight"
    );
    let rounds = requests.div_ceil(in_flight);
    latency * u32::try_from(rounds).expect("fewer than 2^32 rounds")
}
