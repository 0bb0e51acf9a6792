//! Word count on one machine: the lab's timely dataflows (1 and 2 workers, with and without a
//! combiner) against a sequential count and rayon, the crate a professional would reach for on
//! one machine.
//!
//! ```console
//! $ cargo bench -p lab-cluster -- --warm-up-time 1
//! ```

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_cluster::count::{Plan, run_count_with};
use lab_cluster::text::{sequential_count, split_text};
use rayon::prelude::*;

/// `lines` lines of 10 words from a vocabulary of 5,000, from a fixed seed.
fn text(lines: usize) -> String {
    let mut seed: u64 = 42;
    let mut text = String::new();
    for _ in 0..lines {
        for i in 0..10 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&format!("w{}", (seed >> 33) % 5_000));
        }
        text.push('\n');
    }
    text
}

/// What one thread does best: lowercase the text once, then count borrowed words in a HashMap.
fn hashmap_count(text: &str) -> HashMap<&str, u64> {
    let mut counts = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

/// rayon: count each split on some thread, then merge the maps.
fn rayon_count(splits: &[String]) -> HashMap<&str, u64> {
    splits
        .par_iter()
        .map(|split| hashmap_count(split))
        .reduce(HashMap::new, |mut a, b| {
            for (word, n) in b {
                *a.entry(word).or_insert(0) += n;
            }
            a
        })
}

fn wordcount(c: &mut Criterion) {
    let text = text(20_000);
    let lowercase = text.to_lowercase();
    let splits = Arc::new(split_text(&lowercase, 64));
    let mut group = c.benchmark_group("wordcount");
    group.throughput(Throughput::Elements(200_000));
    group.sample_size(10);
    group.bench_function("sequential_count (BTreeMap, a String per word)", |b| {
        b.iter(|| sequential_count(black_box(&text)))
    });
    group.bench_function("sequential HashMap of &str", |b| {
        b.iter(|| hashmap_count(black_box(&lowercase)))
    });
    group.bench_function("rayon", |b| b.iter(|| rayon_count(black_box(&splits))));
    for workers in [1, 2] {
        for plan in [Plan::Plain, Plan::Combined] {
            group.bench_with_input(
                BenchmarkId::new(format!("timely {plan:?}"), workers),
                &workers,
                |b, &workers| {
                    b.iter(|| {
                        run_count_with(
                            timely::Config::process(workers),
                            Arc::clone(&splits),
                            plan,
                            false,
                        )
                        .expect("the count runs (are Exercises 12.1 and 12.2 done?)")
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, wordcount);
criterion_main!(benches);
