//! Exercise 5.2: `Summary::empty`, `Summary::combine` and `summarise`.

mod common;

use common::{Meeting, test_pool};
use lab_rayon::summary::{Summary, summarise};

fn samples() -> Vec<Summary> {
    vec![
        Summary::of(5),
        Summary::of(-5),
        Summary::of(0),
        Summary {
            count: 3,
            min: 7,
            max: 40,
        },
        Summary {
            count: 2,
            min: -40,
            max: -7,
        },
        Summary {
            count: 4,
            min: i64::MIN,
            max: i64::MAX,
        },
    ]
}

#[test]
fn empty_is_the_identity_of_combine() {
    let empty = Summary::empty();
    assert_eq!(
        empty.count, 0,
        "the summary of no readings counts 0 readings"
    );
    assert_eq!(
        empty.range(),
        None,
        "the summary of no readings has no range"
    );
    for s in samples() {
        assert_eq!(
            Summary::empty().combine(s),
            s,
            "Summary::empty().combine(s) must be s: the identity changes nothing"
        );
        assert_eq!(
            s.combine(Summary::empty()),
            s,
            "s.combine(Summary::empty()) must be s: the identity changes nothing"
        );
    }
    assert_eq!(
        Summary::empty().combine(Summary::empty()).range(),
        None,
        "two summaries of nothing combine into a summary of nothing"
    );
}

#[test]
fn combine_adds_the_counts_and_widens_the_range() {
    let both = Summary::of(3).combine(Summary::of(-2));
    assert_eq!(
        both,
        Summary {
            count: 2,
            min: -2,
            max: 3
        },
        "the readings 3 and -2"
    );
    let more = both.combine(Summary {
        count: 3,
        min: 0,
        max: 10,
    });
    assert_eq!(
        more,
        Summary {
            count: 5,
            min: -2,
            max: 10
        },
        "counts add up; min is the smaller min, max the larger max"
    );
}

#[test]
fn summarise_readings_of_either_sign() {
    let positive: Vec<i64> = (10..=1000).rev().collect();
    let s = summarise(&positive);
    assert_eq!(s.count, 991, "991 readings from 10 to 1000");
    assert_eq!(
        s.range(),
        Some((10, 1000)),
        "readings from 10 to 1000: a min below 10 comes from a starting value that is not \
         the identity"
    );

    let negative: Vec<i64> = (-1000..=-10).collect();
    assert_eq!(
        summarise(&negative).range(),
        Some((-1000, -10)),
        "readings from -1000 to -10: a max above -10 comes from a starting value that is not \
         the identity"
    );

    let mixed = [3, -8, 12, 0, 5];
    assert_eq!(
        summarise(&mixed),
        Summary {
            count: 5,
            min: -8,
            max: 12
        },
        "the readings {mixed:?}"
    );

    let small: [i16; 4] = [-3, 7, 0, 2];
    assert_eq!(
        summarise(&small),
        Summary {
            count: 4,
            min: -3,
            max: 7
        },
        "readings of another integer type (i16), converted to i64"
    );

    let nothing = summarise::<i64>(&[]);
    assert_eq!(
        (nothing.count, nothing.range()),
        (0, None),
        "no readings: count 0, no range"
    );
}

/// A reading that arrives at a [`Meeting`] when it is converted to `i64`, to see which threads
/// convert the readings.
#[derive(Clone, Copy)]
struct Probe<'a> {
    value: i64,
    meeting: &'a Meeting,
}

impl From<Probe<'_>> for i64 {
    fn from(probe: Probe<'_>) -> i64 {
        probe.meeting.arrive_or_panic("summarise");
        probe.value
    }
}

#[test]
fn summarise_runs_on_more_than_one_thread() {
    const THREADS: usize = 2;
    let meeting = Meeting::new(THREADS);
    let readings: Vec<Probe> = (-32..32)
        .map(|value| Probe {
            value,
            meeting: &meeting,
        })
        .collect();

    let summary = test_pool(THREADS).install(|| summarise(&readings));

    assert_eq!(
        summary,
        Summary {
            count: 64,
            min: -32,
            max: 31
        },
        "the 64 readings from -32 to 31"
    );
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "the readings were converted on the rayon threads {indices:?} only; expected both \
         threads of the pool"
    );
}
