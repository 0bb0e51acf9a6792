use timely::dataflow::operators::Exchange;
use timely::dataflow::operators::vec::Map;

pub fn count_words<'scope>(
    splits: StreamVec<'scope, u64, String>,
) -> StreamVec<'scope, u64, (String, u64)> {
    splits
        .flat_map(|split| {
            text::words(&split)
                .map(|word| (word, 1))
                .collect::<Vec<_>>()
        })
        .exchange(|(word, _)| text::key_hash(word))
}

pub fn count_words_combined<'scope>(
    splits: StreamVec<'scope, u64, String>,
) -> StreamVec<'scope, u64, (String, u64)> {
    splits
        .flat_map(|split| {
            let mut combined = Counts::new();
            for word in text::words(&split) {
                *combined.entry(word).or_default() += 1;
            }
            combined
        })
        .exchange(|(word, _)| text::key_hash(word))
}
