//! Exercise 3.6: `Table::dine` without deadlock.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use lab_support::within_patience;
use lab_sync::philosophers::Table;

#[test]
fn dine_calls_eat_once_and_returns_its_value() {
    within_patience("one philosopher at a time dining at a table of 3", || {
        let table = Table::new(3);
        for seat in 0..3 {
            let mut calls = 0;
            let value = table.dine(seat, || {
                calls += 1;
                seat * 7
            });
            assert_eq!(value, seat * 7, "dine must return what eat returned");
            assert_eq!(calls, 1, "dine must call eat exactly once");
        }
    });
}

#[test]
fn dine_puts_both_forks_down_even_when_eat_panics() {
    lab_support::hide_deliberate_panics();
    let outcome = within_patience("a meal that panics, then two more", || {
        let table = Table::new(2);
        let outcome = std::panic::catch_unwind(|| {
            table.dine(0, || panic!("choked {}", lab_support::ON_PURPOSE))
        });
        table.dine(0, || ());
        table.dine(1, || ());
        outcome
    });
    assert!(outcome.is_err(), "a panic in eat must reach the caller");
}

#[test]
fn five_philosophers_eat_many_meals_and_neighbours_never_eat_together() {
    const SEATS: usize = 5;
    const MEALS: usize = 2_000;
    within_patience(
        "5 philosophers eating 2000 meals each (a deadlock?)",
        || {
            let table = Arc::new(Table::new(SEATS));
            let eating: Arc<Vec<AtomicBool>> =
                Arc::new((0..SEATS).map(|_| AtomicBool::new(false)).collect());
            let philosophers: Vec<_> = (0..SEATS)
                .map(|seat| {
                    let (table, eating) = (Arc::clone(&table), Arc::clone(&eating));
                    thread::spawn(move || {
                        for _ in 0..MEALS {
                            table.dine(seat, || {
                            let left = (seat + SEATS - 1) % SEATS;
                            let right = (seat + 1) % SEATS;
                            eating[seat].store(true, Ordering::SeqCst);
                            for neighbour in [left, right] {
                                assert!(
                                    !eating[neighbour].load(Ordering::SeqCst),
                                    "seats {seat} and {neighbour} ate at the same time, but they \
                                     share a fork: hold both fork guards while eat runs"
                                );
                            }
                            thread::yield_now();
                            eating[seat].store(false, Ordering::SeqCst);
                        });
                        }
                    })
                })
                .collect();
            for philosopher in philosophers {
                philosopher.join().expect("a philosopher panicked");
            }
        },
    );
}
