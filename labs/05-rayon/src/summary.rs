//! Exercise 5.2: a parallel `reduce` needs a true identity.

// Parallel iterators need their traits in scope: add `use rayon::prelude::*;` here.

// ANCHOR: summary
/// The count, smallest and largest of a set of readings.
///
/// [`Summary::empty`] summarises no readings at all; [`Summary::of`] one reading;
/// [`Summary::combine`] two summaries of disjoint sets of readings. For a `Summary` with
/// `count == 0`, `min` and `max` have no meaning: use [`Summary::range`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub min: i64,
    pub max: i64,
}

impl Summary {
    /// The summary of one reading.
    pub fn of(reading: i64) -> Summary {
        Summary {
            count: 1,
            min: reading,
            max: reading,
        }
    }

    /// `Some((min, max))`, or `None` if there were no readings.
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.count > 0).then_some((self.min, self.max))
    }
}
// ANCHOR_END: summary

// ANCHOR: todo
impl Summary {
    /// The summary of no readings: the identity of [`Summary::combine`], so that for every
    /// summary `s`, `Summary::empty().combine(s) == s` and `s.combine(Summary::empty()) == s`.
    pub fn empty() -> Summary {
        todo!(
            "5.2: the summary of nothing, which changes nothing it is combined with — see the chapter, Exercise 5.2"
        )
    }

    /// The summary of the readings of `self` and of `other` together.
    pub fn combine(self, other: Summary) -> Summary {
        todo!(
            "5.2: add the counts, keep the smaller min and the larger max — see the chapter, Exercise 5.2"
        )
    }
}

/// The summary of `readings`, computed with a rayon parallel iterator on the current rayon pool:
/// every reading becomes a [`Summary::of`] its value, and those are reduced with
/// [`Summary::empty`] as the identity and [`Summary::combine`].
///
/// A reading is any integer that converts to `i64` (`i32`, `u16`, `i64` itself…); each is
/// converted once with `into()`, on the threads of the current pool, several at once.
pub fn summarise<R>(readings: &[R]) -> Summary
where
    R: Copy + Into<i64> + Sync,
{
    todo!("5.2: map to Summary::of and reduce, in parallel — see the chapter, Exercise 5.2")
}
// ANCHOR_END: todo
