//! The lost update, made visible: several threads increment a `RacyCounter` whose increment is
//! a load followed by a store, and the program prints how many increments vanished.
//!
//! ```console
//! $ cargo run -p lab-races --example lost_update
//! ```
//!
//! In a `--release` build far fewer updates are lost: the optimiser fuses the load and the store
//! into one `inc` instruction, which is still not atomic (another core can write between its read
//! and its write), only quicker. The race is harder to see, not gone.

use std::thread;

use lab_races::counter::{RacyCounter, count_on_threads};

// ANCHOR: main
const PER_THREAD: u64 = 1_000_000;

fn main() {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    println!("{cores} cores; each thread increments {PER_THREAD} times\n");
    for threads in [1, 2, 4] {
        for round in 1..=3 {
            let expected = threads as u64 * PER_THREAD;
            let counted = count_on_threads(&RacyCounter::new(), threads, PER_THREAD);
            let lost = expected - counted;
            println!(
                "{threads} thread(s), round {round}: counted {counted:>9} of {expected:>9}, \
                 lost {lost:>9} ({:.1}%)",
                100.0 * lost as f64 / expected as f64
            );
        }
    }
}
// ANCHOR_END: main
