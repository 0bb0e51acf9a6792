use crate::summary::percentile;

pub fn compare(a: &[f64], b: &[f64], settings: Settings, rng: &mut Rng) -> Comparison {
    assert!(
        !a.is_empty() && !b.is_empty(),
        "comparing needs samples on both sides"
    );
    assert!(
        settings.confidence > 0.0 && settings.confidence < 1.0,
        "the confidence level must be in (0, 1)"
    );
    assert!(
        settings.noise >= 0.0,
        "the noise threshold must not be negative"
    );
    assert!(
        settings.resamples > 0,
        "the bootstrap needs at least one resample"
    );

    let ratio = median(b.to_vec()) / median(a.to_vec());
    let mut ratios: Vec<f64> = (0..settings.resamples)
        .map(|_| {
            let resampled_a = resample(a, rng);
            let resampled_b = resample(b, rng);
            median(resampled_b) / median(resampled_a)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let low = percentile(&ratios, (1.0 - settings.confidence) / 2.0 * 100.0);
    let high = percentile(&ratios, (1.0 + settings.confidence) / 2.0 * 100.0);

    let verdict = if high < 1.0 - settings.noise {
        Verdict::Faster
    } else if low > 1.0 + settings.noise {
        Verdict::Slower
    } else if 1.0 - settings.noise <= low && high <= 1.0 + settings.noise {
        Verdict::Same
    } else {
        Verdict::CantTell
    };
    Comparison {
        ratio,
        low,
        high,
        verdict,
    }
}

/// `samples.len()` samples drawn from `samples` with replacement.
fn resample(samples: &[f64], rng: &mut Rng) -> Vec<f64> {
    (0..samples.len())
        .map(|_| samples[rng.below(samples.len())])
        .collect()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    percentile(&samples, 50.0)
}
