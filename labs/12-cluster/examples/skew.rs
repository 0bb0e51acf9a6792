//! How many records each worker receives from the others, with and without a combiner, on a
//! text where one word is every other word. Run it once Exercises 12.1 and 12.2 are done:
//!
//! ```console
//! $ cargo run --release -p lab-cluster --example skew
//! ```

use std::sync::Arc;

use lab_cluster::count::{Plan, run_count};
use lab_cluster::text::{owner, sequential_count, split_text};

fn main() {
    // A text of 20,000 lines: "the" is every other word; the others come from 5,000 words.
    let mut text = String::new();
    let mut seed: u64 = 7;
    for _ in 0..20_000 {
        for _ in 0..6 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(&format!("the w{} ", (seed >> 33) % 5_000));
        }
        text.push('\n');
    }
    let counts = sequential_count(&text);
    let peers = 4;
    println!(
        "{} words; \"the\" {} times, owned by worker {} of {peers}",
        counts.values().sum::<u64>(),
        counts["the"],
        owner("the", peers)
    );
    let splits = Arc::new(split_text(&text, 64));
    println!("\nrecords each worker received from the others:\n");
    println!("| plan     | worker 0 | worker 1 | worker 2 | worker 3 |");
    println!("| -------- | -------: | -------: | -------: | -------: |");
    for plan in [Plan::Plain, Plan::Combined] {
        let workers = run_count(timely::Config::process(peers), Arc::clone(&splits), plan)
            .expect("the count runs (are Exercises 12.1 and 12.2 done?)");
        let cells: Vec<String> = workers.iter().map(|w| w.received.to_string()).collect();
        println!("| {:<8} | {} |", format!("{plan:?}"), cells.join(" | "));
    }
}
