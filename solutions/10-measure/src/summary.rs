pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    assert!(!sorted.is_empty(), "the percentile of no samples");
    assert!(
        (0.0..=100.0).contains(&p),
        "percentile {p} is not in 0..=100"
    );
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let i = rank.floor() as usize;
    if i + 1 >= sorted.len() {
        return sorted[sorted.len() - 1];
    }
    let fraction = rank - i as f64;
    sorted[i] + (sorted[i + 1] - sorted[i]) * fraction
}

pub fn summarise(samples: &[f64]) -> Summary {
    assert!(!samples.is_empty(), "a summary of no samples");
    let sorted = sorted(samples);
    let count = sorted.len();
    let mean = sorted.iter().sum::<f64>() / count as f64;
    let median = percentile(&sorted, 50.0);
    let deviations = sorted_by_value(sorted.iter().map(|x| (x - median).abs()).collect());
    Summary {
        count,
        min: sorted[0],
        max: sorted[count - 1],
        mean,
        median,
        mad: MAD_SCALE * percentile(&deviations, 50.0),
        p95: percentile(&sorted, 95.0),
        p99: percentile(&sorted, 99.0),
    }
}

pub fn tukey_fences(samples: &[f64]) -> Fences {
    assert!(!samples.is_empty(), "the fences of no samples");
    let sorted = sorted(samples);
    let q1 = percentile(&sorted, 25.0);
    let q3 = percentile(&sorted, 75.0);
    let iqr = q3 - q1;
    Fences {
        low_severe: q1 - 3.0 * iqr,
        low_mild: q1 - 1.5 * iqr,
        high_mild: q3 + 1.5 * iqr,
        high_severe: q3 + 3.0 * iqr,
    }
}

impl Fences {
    pub fn count_outliers(&self, samples: &[f64]) -> Outliers {
        let mut outliers = Outliers::default();
        for &x in samples {
            if x < self.low_severe {
                outliers.low_severe += 1;
            } else if x > self.high_severe {
                outliers.high_severe += 1;
            } else if x < self.low_mild {
                outliers.low_mild += 1;
            } else if x > self.high_mild {
                outliers.high_mild += 1;
            }
        }
        outliers
    }
}

/// A sorted copy of `samples`.
fn sorted(samples: &[f64]) -> Vec<f64> {
    sorted_by_value(samples.to_vec())
}

fn sorted_by_value(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}
