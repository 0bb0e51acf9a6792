//! Exercise 10.1: `percentile`, `summarise`, `tukey_fences` and `Fences::count_outliers`, on small
//! sets worked out by hand and on real sample sets that criterion measured and saved on the lab's
//! machine (`tests/fixtures/`, described in `tests/fixtures/README.md`).

mod common;

use common::{SampleSetFixture, assert_close, panics, sample_set_fixtures};
use lab_measure::summary::{Fences, MAD_SCALE, Outliers, percentile, summarise, tukey_fences};

#[test]
fn percentile_interpolates_between_the_closest_ranks() {
    let sorted = [1.0, 2.0, 3.0, 4.0];
    for (p, expected) in [
        (0.0, 1.0),
        (25.0, 1.75),
        (50.0, 2.5),
        (75.0, 3.25),
        (100.0, 4.0),
    ] {
        assert_close(
            percentile(&sorted, p),
            expected,
            1e-12,
            &format!("percentile({sorted:?}, {p}): rank {p}/100 × 3, interpolated"),
        );
    }
    let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
    assert_close(
        percentile(&hundred, 95.0),
        95.05,
        1e-12,
        "the 95th percentile of 1, 2, …, 100 (rank 94.05)",
    );
    assert_close(
        percentile(&hundred, 99.0),
        99.01,
        1e-12,
        "the 99th percentile of 1, 2, …, 100 (rank 98.01)",
    );
    for p in [0.0, 50.0, 99.0, 100.0] {
        assert_eq!(
            percentile(&[7.0], p),
            7.0,
            "every percentile of a single sample is that sample"
        );
    }
}

#[test]
fn percentile_panics_on_no_samples_and_outside_0_to_100() {
    assert_close(
        percentile(&[1.0, 3.0], 50.0),
        2.0,
        1e-12,
        "the median of 1 and 3",
    );
    assert!(
        panics(|| percentile(&[], 50.0)),
        "percentile of no samples must panic: there is no answer"
    );
    for p in [-1.0, 100.5] {
        assert!(
            panics(move || percentile(&[1.0, 2.0], p)),
            "percentile {p} must panic: percentiles run from 0 to 100"
        );
    }
}

#[test]
fn the_median_of_an_even_count_is_halfway_between_the_middle_two() {
    let s = summarise(&[4.0, 1.0, 3.0, 2.0]);
    assert_close(
        s.median,
        2.5,
        1e-12,
        "the median of 4, 1, 3, 2 (sorted: 1, 2, 3, 4): halfway between 2 and 3",
    );
    let s = summarise(&[30.0, 10.0, 20.0, 1000.0, 25.0, 15.0]);
    assert_close(
        s.median,
        22.5,
        1e-12,
        "the median of 10, 15, 20, 25, 30, 1000: halfway between 20 and 25",
    );
}

#[test]
fn summary_of_a_small_set_with_an_outlier() {
    // Sorted: 10, 10, 11, 12, 40. The median is 11; the distances from it are 1, 1, 0, 1, 29,
    // whose median is 1.
    let s = summarise(&[12.0, 10.0, 11.0, 10.0, 40.0]);
    assert_eq!(s.count, 5, "five samples");
    assert_eq!(
        (s.min, s.max),
        (10.0, 40.0),
        "the smallest and largest samples"
    );
    assert_close(s.mean, 16.6, 1e-12, "the mean of 12, 10, 11, 10, 40");
    assert_close(s.median, 11.0, 1e-12, "the median of 12, 10, 11, 10, 40");
    assert_close(
        s.mad,
        MAD_SCALE * 1.0,
        1e-12,
        "the MAD: MAD_SCALE × the median of the distances from the *median* (1, 1, 0, 1, 29)",
    );
    assert_close(
        s.p95,
        34.4,
        1e-12,
        "p95: rank 0.95 × 4 = 3.8, between 12 and 40",
    );
    assert_close(
        s.p99,
        38.88,
        1e-12,
        "p99: rank 0.99 × 4 = 3.96, between 12 and 40",
    );
}

#[test]
fn summary_of_one_sample_is_that_sample_and_of_none_panics() {
    let s = summarise(&[5.0]);
    assert_eq!(
        (s.count, s.min, s.max, s.mean, s.median, s.mad, s.p95, s.p99),
        (1, 5.0, 5.0, 5.0, 5.0, 0.0, 5.0, 5.0),
        "the summary of the single sample 5: every statistic is 5, and it deviates by 0"
    );
    assert!(
        panics(|| summarise(&[])),
        "summarise of no samples must panic: a summary of nothing has no median"
    );
}

#[test]
fn tukey_fences_stand_on_the_interpolated_quartiles() {
    // 1, 2, …, 8: q1 at rank 1.75 is 2.75, q3 at rank 5.25 is 6.25, so the IQR is 3.5.
    let fences = tukey_fences(&[8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0]);
    let expected = Fences {
        low_severe: 2.75 - 3.0 * 3.5,
        low_mild: 2.75 - 1.5 * 3.5,
        high_mild: 6.25 + 1.5 * 3.5,
        high_severe: 6.25 + 3.0 * 3.5,
    };
    for (got, want, name) in [
        (fences.low_severe, expected.low_severe, "low_severe"),
        (fences.low_mild, expected.low_mild, "low_mild"),
        (fences.high_mild, expected.high_mild, "high_mild"),
        (fences.high_severe, expected.high_severe, "high_severe"),
    ] {
        assert_close(
            got,
            want,
            1e-12,
            &format!(
                "{name} of 1..=8: from q1 = 2.75 and q3 = 6.25 (the 25th and 75th percentiles by \
                 interpolation) and IQR = 3.5"
            ),
        );
    }
}

#[test]
fn outliers_are_counted_beyond_each_fence_and_not_on_it() {
    let fences = Fences {
        low_severe: -10.0,
        low_mild: -5.0,
        high_mild: 5.0,
        high_severe: 10.0,
    };
    let samples = [
        -12.0, -11.0, -10.0, -7.0, -5.0, 0.0, 5.0, 7.0, 10.0, 11.0, 12.0,
    ];
    assert_eq!(
        fences.count_outliers(&samples),
        Outliers {
            low_severe: 2,
            low_mild: 2,
            high_mild: 2,
            high_severe: 2,
        },
        "fences -10, -5, 5, 10 and samples {samples:?}: -12 and -11 are below -10 (low severe); \
         -10 and -7 are below -5 (low mild); -5 and 5 are on a fence, so not beyond it; 7 and 10 \
         are above 5 (high mild); 11 and 12 are above 10 (high severe)"
    );
    assert_eq!(
        fences.count_outliers(&[]),
        Outliers::default(),
        "no samples, no outliers"
    );
}

/// Checks the summary of one of the saved sample sets against what criterion computed for it.
fn agrees_with_criterion(fixture: &SampleSetFixture) {
    let samples = fixture.sample.per_iteration();
    let s = summarise(&samples);
    let name = fixture.name;
    assert_eq!(s.count, samples.len(), "{name}: the number of samples");
    let e = &fixture.estimates;
    assert_close(
        s.mean,
        e.mean.point_estimate,
        1e-9,
        &format!("{name}: the mean, as criterion computed it"),
    );
    assert_close(
        s.median,
        e.median.point_estimate,
        1e-9,
        &format!("{name}: the median, as criterion computed it"),
    );
    // Criterion stores its 1.4826 as an `f32` on the way (1.48259997…), hence the looser
    // tolerance: one part in a million.
    assert_close(
        s.mad,
        e.median_abs_dev.point_estimate,
        1e-6,
        &format!("{name}: the MAD, as criterion computed it"),
    );
    let fences = tukey_fences(&samples);
    let got = [
        fences.low_severe,
        fences.low_mild,
        fences.high_mild,
        fences.high_severe,
    ];
    for (i, which) in ["low severe", "low mild", "high mild", "high severe"]
        .iter()
        .enumerate()
    {
        assert_close(
            got[i],
            fixture.fences[i],
            1e-9,
            &format!("{name}: the {which} fence, as criterion computed it"),
        );
    }
    assert_eq!(
        fences.count_outliers(&samples),
        fixture.outliers,
        "{name}: the outliers criterion reported when it measured this set"
    );
}

#[test]
fn summaries_agree_with_criterion_on_sample_sets_from_this_machine() {
    for fixture in sample_set_fixtures() {
        agrees_with_criterion(&fixture);
    }
}
