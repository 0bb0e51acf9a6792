//! Exercise 10.2: `compare`, on sample sets made up for each case and on sample sets criterion
//! measured on the lab's machine (`tests/fixtures/`). Every comparison uses a seeded `Rng`, so
//! each runs the same way every time.

mod common;

use common::{assert_close, sample_set_fixture};
use lab_measure::compare::{Comparison, Settings, Verdict, compare};
use lab_measure::rng::Rng;

/// `n` samples spread evenly at random over `center × (1 ± spread)`.
fn around(center: f64, spread: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::seeded(seed);
    (0..n)
        .map(|_| {
            let u = rng.next_u64() as f64 / u64::MAX as f64;
            center * (1.0 + spread * (2.0 * u - 1.0))
        })
        .collect()
}

fn quick() -> Settings {
    Settings {
        resamples: 2_000,
        ..Settings::default()
    }
}

#[track_caller]
fn assert_sound(c: &Comparison, what: &str) {
    assert!(
        c.low <= c.high,
        "{what}: the interval [{}, {}] is upside down",
        c.low,
        c.high
    );
    assert!(
        c.low <= c.ratio && c.ratio <= c.high,
        "{what}: the ratio of the medians ({}) should lie inside its interval [{}, {}] for \
         these samples",
        c.ratio,
        c.low,
        c.high
    );
}

#[test]
fn a_set_compared_with_itself_is_the_same() {
    let a = around(1_000.0, 0.01, 100, 1);
    let c = compare(&a, &a, quick(), &mut Rng::seeded(1));
    assert_close(c.ratio, 1.0, 1e-12, "the ratio of a set's median to itself");
    assert_sound(&c, "a set against itself");
    assert_eq!(
        c.verdict,
        Verdict::Same,
        "100 samples within 1% of 1000, against themselves: {c:?}"
    );
}

#[test]
fn a_clear_change_is_faster_or_slower() {
    let a = around(1_000.0, 0.02, 50, 2);
    let b = around(800.0, 0.02, 50, 3);
    let c = compare(&a, &b, quick(), &mut Rng::seeded(4));
    assert_close(c.ratio, 0.8, 0.02, "B takes about 80% of A's time");
    assert_sound(&c, "A ≈ 1000, B ≈ 800");
    assert_eq!(
        c.verdict,
        Verdict::Faster,
        "A ≈ 1000 ± 2%, B ≈ 800 ± 2%, 50 samples each: B is clearly faster: {c:?}"
    );
    let c = compare(&b, &a, quick(), &mut Rng::seeded(5));
    assert_eq!(
        c.verdict,
        Verdict::Slower,
        "the other way round, A ≈ 800 and B ≈ 1000, B is clearly slower: {c:?}"
    );
}

#[test]
fn a_change_smaller_than_the_noise_threshold_is_the_same() {
    let a = around(1_000.0, 0.01, 100, 6);
    let b: Vec<f64> = a.iter().map(|x| x * 0.995).collect();
    let c = compare(&a, &b, quick(), &mut Rng::seeded(7));
    assert_close(c.ratio, 0.995, 1e-9, "B is A scaled by 0.995");
    assert_eq!(
        c.verdict,
        Verdict::Same,
        "B is 0.5% faster than A, surely, but the noise threshold is 2%: a change that small \
         counts as none: {c:?}"
    );
}

#[test]
fn few_noisy_samples_cannot_tell() {
    let a = [100.0, 130.0, 90.0, 160.0, 110.0];
    let b = [95.0, 150.0, 85.0, 120.0, 140.0];
    let c = compare(&a, &b, quick(), &mut Rng::seeded(8));
    assert_close(
        c.ratio,
        120.0 / 110.0,
        1e-12,
        "median 120 against median 110",
    );
    assert_eq!(
        c.verdict,
        Verdict::CantTell,
        "five samples each, spread over ±30%: B's median is 9% higher, but resampling moves it \
         far more than that, so the honest answer is 'can't tell': {c:?}"
    );
}

#[test]
fn a_higher_confidence_gives_a_wider_interval() {
    let a = around(1_000.0, 0.05, 30, 9);
    let b = around(1_020.0, 0.05, 30, 10);
    let narrow = compare(
        &a,
        &b,
        Settings {
            confidence: 0.5,
            ..quick()
        },
        &mut Rng::seeded(11),
    );
    let wide = compare(
        &a,
        &b,
        Settings {
            confidence: 0.99,
            ..quick()
        },
        &mut Rng::seeded(11),
    );
    assert!(
        wide.low <= narrow.low && narrow.low <= narrow.high && narrow.high <= wide.high,
        "with the same resamples, the 99% interval [{}, {}] must contain the 50% interval \
         [{}, {}]: the interval holds the central `confidence` share of the resampled ratios",
        wide.low,
        wide.high,
        narrow.low,
        narrow.high
    );
    assert!(
        wide.high - wide.low > narrow.high - narrow.low,
        "the 99% interval must be wider than the 50% one"
    );
    let thin = compare(
        &a,
        &b,
        Settings {
            confidence: 0.3,
            ..quick()
        },
        &mut Rng::seeded(11),
    );
    assert!(
        narrow.low <= thin.low && thin.low <= thin.high && thin.high <= narrow.high,
        "a 30% interval [{}, {}] runs from the 35th to the 65th percentile of the resampled \
         ratios, inside the 50% interval [{}, {}] (25th to 75th)",
        thin.low,
        thin.high,
        narrow.low,
        narrow.high
    );
}

#[test]
fn the_interval_runs_between_the_percentiles_of_the_resampled_ratios() {
    // A's median is always 1, so each resampled ratio is B's resampled median: the middle of five
    // draws from 1..=5, which is 1 in about 6% of resamples, 2 in 26%, 3 in 37%, 4 in 26% and 5
    // in 6%. Of 2000 resamples, the 25th and 75th percentiles then fall among the 2s and the 4s,
    // and the 40th and 60th among the 3s, each with over a hundred resamples to spare on either
    // side, whatever the order of the draws.
    let a = [1.0; 5];
    let b = [1.0, 2.0, 3.0, 4.0, 5.0];
    for (confidence, low, high) in [(0.5, 2.0, 4.0), (0.2, 3.0, 3.0)] {
        let settings = Settings {
            confidence,
            ..quick()
        };
        let c = compare(&a, &b, settings, &mut Rng::seeded(21));
        assert_eq!(
            (c.low, c.high),
            (low, high),
            "A = {a:?}, B = {b:?}, confidence {confidence}: the interval runs from the \
             {:.0}th to the {:.0}th percentile of the resampled ratios, which are {low} and {high}: \
             {c:?}",
            (1.0 - confidence) / 2.0 * 100.0,
            (1.0 + confidence) / 2.0 * 100.0
        );
    }
}

#[test]
fn an_interval_that_ends_on_a_noise_bound_is_the_same() {
    // Equal samples make every resampled ratio the same number, so the interval is that one
    // point, exactly on a bound of the noise band (1 - 0.5 and 1 + 0.5).
    let settings = Settings {
        noise: 0.5,
        ..quick()
    };
    let c = compare(&[2.0; 5], &[1.0; 5], settings, &mut Rng::seeded(24));
    assert_eq!(
        (c.low, c.high, c.verdict),
        (0.5, 0.5, Verdict::Same),
        "every ratio is 0.5, exactly 1 - noise: Faster needs high < 1 - noise, and Same holds \
         when 1 - noise <= low and high <= 1 + noise: {c:?}"
    );
    let c = compare(&[1.0; 5], &[1.5; 5], settings, &mut Rng::seeded(25));
    assert_eq!(
        (c.low, c.high, c.verdict),
        (1.5, 1.5, Verdict::Same),
        "every ratio is 1.5, exactly 1 + noise: Slower needs low > 1 + noise, and Same holds \
         when 1 - noise <= low and high <= 1 + noise: {c:?}"
    );
}

#[test]
fn an_interval_across_one_bound_of_the_noise_band_cannot_tell() {
    // A's median is 1. B's resampled median is 1 or, when three of its five draws are the odd
    // value (about one resample in three), that value: the 5th and 95th percentiles of 2000
    // resampled ratios are the odd value and 1, an interval across one bound of the band
    // 1 ± 0.5 and inside the other.
    let settings = Settings {
        confidence: 0.9,
        noise: 0.5,
        ..quick()
    };
    let a = [1.0; 5];
    for (b, low, high) in [
        ([0.3, 0.3, 1.0, 1.0, 1.0], 0.3, 1.0),
        ([1.0, 1.0, 1.0, 2.0, 2.0], 1.0, 2.0),
    ] {
        let c = compare(&a, &b, settings, &mut Rng::seeded(26));
        assert_eq!(
            (c.low, c.high, c.verdict),
            (low, high, Verdict::CantTell),
            "A = {a:?}, B = {b:?}, noise 0.5: the interval [{low}, {high}] crosses one bound of \
             [0.5, 1.5], so it is neither Faster nor Slower, and not Same, which needs both ends \
             inside: {c:?}"
        );
    }
}

#[test]
fn the_noise_of_both_sets_counts() {
    let noisy = [70.0, 130.0, 90.0, 110.0, 100.0, 80.0, 120.0];
    let steady = [100.0; 7];
    for (a, b, which) in [
        (&noisy, &steady, "A noisy, B steady"),
        (&steady, &noisy, "A steady, B noisy"),
    ] {
        let c = compare(a, b, quick(), &mut Rng::seeded(18));
        assert_close(
            c.ratio,
            1.0,
            1e-12,
            &format!("{which}: both medians are 100"),
        );
        assert_eq!(
            c.verdict,
            Verdict::CantTell,
            "{which}: the medians are equal, but the noisy set's median moves by up to 30% from \
             one resample to the next, so the data cannot show the two are the same: resample \
             both sets, A as well as B: {c:?}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_comparison() {
    let a = around(1_000.0, 0.1, 40, 12);
    let b = around(1_050.0, 0.1, 40, 13);
    let first = compare(&a, &b, quick(), &mut Rng::seeded(14));
    let second = compare(&a, &b, quick(), &mut Rng::seeded(14));
    assert_eq!(
        first, second,
        "compare must draw its resamples from the given rng only, so that the same seed gives \
         the same result"
    );
}

#[test]
fn a_noisy_set_from_this_machine_against_itself_cannot_tell() {
    let run1 = sample_set_fixture("rayon_100000_run1")
        .sample
        .per_iteration();
    let c = compare(&run1, &run1, quick(), &mut Rng::seeded(15));
    assert_close(c.ratio, 1.0, 1e-12, "the ratio of a set's median to itself");
    assert_eq!(
        c.verdict,
        Verdict::CantTell,
        "100 samples of rayon on a busy machine, against themselves: their median moves by \
         several percent from one resample to the next, more than the 2% noise threshold, so \
         even identical data cannot show 'the same': {c:?}"
    );
}

#[test]
fn two_runs_of_the_same_code_differ_when_the_machine_does() {
    let run1 = sample_set_fixture("rayon_100000_run1")
        .sample
        .per_iteration();
    let run2 = sample_set_fixture("rayon_100000_run2")
        .sample
        .per_iteration();
    let c = compare(&run1, &run2, quick(), &mut Rng::seeded(16));
    assert_sound(&c, "two runs of the same benchmark");
    assert_eq!(
        c.verdict,
        Verdict::Faster,
        "the same benchmark of the same code, run twice a minute apart on a busy machine: the \
         second run's median is 20% lower, far outside what resampling explains. The bootstrap \
         answers for the samples it is given: it cannot know that the machine, not the code, \
         changed between the runs: {c:?}"
    );
}

#[test]
fn rayon_against_one_thread_on_this_machine() {
    let one_thread = sample_set_fixture("sequential_100000")
        .sample
        .per_iteration();
    let rayon = sample_set_fixture("rayon_100000_run1")
        .sample
        .per_iteration();
    let c = compare(&one_thread, &rayon, quick(), &mut Rng::seeded(17));
    assert_sound(&c, "one thread against rayon, 100 000 squares");
    assert_eq!(
        c.verdict,
        Verdict::Slower,
        "the sum of 100 000 squares on one thread (A) and with rayon (B), measured on the lab's \
         busy 2-core machine: rayon's median is 57% higher: {c:?}"
    );
}
