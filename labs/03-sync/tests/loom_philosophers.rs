//! Loom model for Exercise 3.6: three philosophers at a table of three dine at the same time.
//! In no interleaving may they deadlock (loom reports "deadlock" and aborts), and neighbours
//! never eat together.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_philosophers`.

use lab_support::loom::{Bound, model};
use lab_sync::philosophers::Table;
use lab_sync::sync::atomic::{AtomicBool, Ordering};
use lab_sync::sync::{Arc, thread};

const SEATS: usize = 3;

/// One meal at `seat`, checking that no neighbour is eating at the same time.
fn eat_once(table: &Table, eating: &[AtomicBool], seat: usize) {
    table.dine(seat, || {
        eating[seat].store(true, Ordering::SeqCst);
        for neighbour in [(seat + SEATS - 1) % SEATS, (seat + 1) % SEATS] {
            assert!(
                !eating[neighbour].load(Ordering::SeqCst),
                "seats {seat} and {neighbour} ate at the same time, but they share a fork"
            );
        }
        eating[seat].store(false, Ordering::SeqCst);
    });
}

#[test]
fn three_philosophers_never_deadlock() {
    model(Bound::Exhaustive, || {
        let table = Arc::new(Table::new(SEATS));
        let eating: Arc<Vec<AtomicBool>> =
            Arc::new((0..SEATS).map(|_| AtomicBool::new(false)).collect());
        let others: Vec<_> = (1..SEATS)
            .map(|seat| {
                let (table, eating) = (Arc::clone(&table), Arc::clone(&eating));
                thread::spawn(move || eat_once(&table, &eating, seat))
            })
            .collect();
        eat_once(&table, &eating, 0);
        for other in others {
            other.join().expect("a philosopher panicked");
        }
    });
}
