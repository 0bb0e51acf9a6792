use rayon::prelude::*;

pub fn merge_counts(into: Counts, other: Counts) -> Counts {
    let (mut larger, smaller) = if into.len() >= other.len() {
        (into, other)
    } else {
        (other, into)
    };
    for (word, count) in smaller {
        *larger.entry(word).or_default() += count;
    }
    larger
}

pub fn word_counts<L>(lines: &[L]) -> Counts
where
    L: AsRef<str> + Sync,
{
    lines
        .par_iter()
        .fold(Counts::new, |mut counts, line| {
            for word in words(line.as_ref()) {
                *counts.entry(word).or_default() += 1;
            }
            counts
        })
        .reduce(Counts::new, merge_counts)
}
