//! Exercise 5.3: `merge_counts` and `word_counts`.

mod common;

use common::{Meeting, Numbers, test_pool};
use lab_rayon::words::{Counts, merge_counts, word_counts, word_counts_sequential};

fn counts(pairs: &[(&str, usize)]) -> Counts {
    pairs
        .iter()
        .map(|&(word, count)| (word.to_string(), count))
        .collect()
}

#[test]
fn merge_counts_adds_the_counts_of_words_in_both() {
    let merged = merge_counts(
        counts(&[("cat", 1), ("dog", 2)]),
        counts(&[("dog", 3), ("eel", 1)]),
    );
    assert_eq!(
        merged,
        counts(&[("cat", 1), ("dog", 5), ("eel", 1)]),
        "\"dog\" is in both maps, so its counts add up: 2 + 3"
    );

    let big = counts(&[("a", 1), ("b", 1), ("c", 1), ("d", 4)]);
    assert_eq!(
        merge_counts(counts(&[("d", 1)]), big.clone()),
        counts(&[("a", 1), ("b", 1), ("c", 1), ("d", 5)]),
        "merging a small map into a big one"
    );
    assert_eq!(
        merge_counts(Counts::new(), big.clone()),
        big,
        "an empty map adds nothing"
    );
    assert_eq!(
        merge_counts(big.clone(), Counts::new()),
        big,
        "an empty map adds nothing"
    );
}

#[test]
fn word_counts_of_a_short_text() {
    let lines = [
        "The cat sat on the mat.",
        "",
        "THE DOG sat on the cat!",
        "   the end  ",
    ];
    assert_eq!(
        word_counts(&lines),
        counts(&[
            ("the", 5),
            ("cat", 2),
            ("sat", 2),
            ("on", 2),
            ("mat", 1),
            ("dog", 1),
            ("end", 1),
        ]),
        "word counts of {lines:?}"
    );
    assert!(word_counts::<&str>(&[]).is_empty(), "no lines: no words");
    let owned: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    assert_eq!(
        word_counts(&owned),
        word_counts(&lines),
        "lines given as Strings count the same as lines given as &str"
    );
}

#[test]
fn word_counts_match_the_sequential_count_on_a_long_text() {
    const VOCABULARY: [&str; 8] = ["alpha", "beta", "gamma", "delta", "the", "a", "of", "rayon"];
    let mut numbers = Numbers::seeded(5);
    let text: Vec<String> = (0..3_000)
        .map(|_| {
            let length = numbers.below(12);
            (0..length)
                .map(|_| VOCABULARY[numbers.below(VOCABULARY.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let lines: Vec<&str> = text.iter().map(String::as_str).collect();

    let expected = word_counts_sequential(&lines);
    let counted = test_pool(4).install(|| word_counts(&lines));
    for word in VOCABULARY {
        assert_eq!(
            counted.get(word),
            expected.get(word),
            "the count of {word:?} in 3000 lines; with fold, every piece of the text has its \
             own map, and merge_counts must add up the counts of all of them"
        );
    }
    assert_eq!(counted, expected, "every word of the text, counted once");
}

/// A line that arrives at a [`Meeting`] whenever its text is read, to see which threads read
/// the lines.
struct Line<'a> {
    text: &'a str,
    meeting: &'a Meeting,
}

impl AsRef<str> for Line<'_> {
    fn as_ref(&self) -> &str {
        self.meeting.arrive_or_panic("word_counts");
        self.text
    }
}

#[test]
fn word_counts_runs_on_more_than_one_thread() {
    const THREADS: usize = 2;
    let meeting = Meeting::new(THREADS);
    let lines: Vec<Line> = (0..64)
        .map(|i| Line {
            text: if i % 2 == 0 { "even line" } else { "odd line" },
            meeting: &meeting,
        })
        .collect();

    let counted = test_pool(THREADS).install(|| word_counts(&lines));

    let expected: Counts = [("even", 32), ("odd", 32), ("line", 64)]
        .into_iter()
        .map(|(word, count)| (word.to_string(), count))
        .collect();
    assert_eq!(counted, expected, "32 even lines and 32 odd ones");
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "the lines were read on the rayon threads {indices:?} only; expected both threads of \
         the pool"
    );
}
