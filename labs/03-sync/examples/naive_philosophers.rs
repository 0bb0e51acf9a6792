//! Three philosophers dine with `Table::dine_naive` (left fork, then right fork) under loom.
//!
//! ```text
//! cargo run -p lab-sync --release --features loom --example naive_philosophers
//! ```
//!
//! Loom tries the interleavings one by one until it finds the one where every philosopher holds
//! a left fork and waits for a right one. It then reports a deadlock and the process aborts:
//! that is the expected ending of this example.

use lab_support::loom::{Bound, model};
use lab_sync::philosophers::Table;
use lab_sync::sync::{Arc, thread};

// ANCHOR: model
fn main() {
    model(Bound::Exhaustive, || {
        let table = Arc::new(Table::new(3));
        let others: Vec<_> = (1..3)
            .map(|seat| {
                let table = Arc::clone(&table);
                thread::spawn(move || table.dine_naive(seat, || ()))
            })
            .collect();
        table.dine_naive(0, || ());
        for other in others {
            other.join().expect("a philosopher panicked");
        }
    });
    println!("no deadlock found (not expected with dine_naive!)");
}
// ANCHOR_END: model
