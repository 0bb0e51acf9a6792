//! Exercise 3.6: the dining philosophers, and the deadlock that lock ordering prevents.

use crate::sync::{Mutex, lock};

/// A round table with one philosopher per seat and one fork between each pair of neighbours.
///
/// Seat `i` eats with fork `i` (on its left) and fork `(i + 1) % seats` (on its right). Each fork
/// is a `Mutex<()>`: holding its guard is holding the fork. A philosopher needs both forks to eat,
/// so two neighbours never eat at the same time.
#[derive(Debug)]
pub struct Table {
    forks: Vec<Mutex<()>>,
}

impl Table {
    /// A table for `seats` philosophers.
    ///
    /// # Panics
    ///
    /// If `seats` is less than 2 (one philosopher would need the same fork twice).
    pub fn new(seats: usize) -> Self {
        assert!(seats >= 2, "a table needs at least two seats");
        Table {
            forks: (0..seats).map(|_| Mutex::new(())).collect(),
        }
    }

    /// The number of seats (and of forks).
    pub fn seats(&self) -> usize {
        self.forks.len()
    }

    /// The forks of `seat`: `(left, right)`.
    ///
    /// # Panics
    ///
    /// If `seat` is not less than [`seats`](Self::seats).
    pub fn forks_of(&self, seat: usize) -> (usize, usize) {
        let seats = self.seats();
        assert!(
            seat < seats,
            "seat {seat} does not exist: the table has {seats} seats"
        );
        (seat, (seat + 1) % seats)
    }

    // ANCHOR: dine_naive
    /// The naive way to eat: pick up the left fork, then the right one, then call `eat`.
    ///
    /// **This can deadlock**: if every philosopher picks up their left fork at the same moment,
    /// each waits forever for a right fork that a neighbour holds. Run
    /// `cargo run -p lab-sync --release --features loom --example naive_philosophers` to watch
    /// loom find it.
    pub fn dine_naive<R>(&self, seat: usize, eat: impl FnOnce() -> R) -> R {
        let (left, right) = self.forks_of(seat);
        let _left = lock(&self.forks[left]);
        let _right = lock(&self.forks[right]);
        eat()
    }
    // ANCHOR_END: dine_naive

    /// Picks up both forks of `seat`, calls `eat` while holding them, puts them down, and returns
    /// what `eat` returned.
    ///
    /// Never deadlocks, however many philosophers dine at once, and holds both forks for the
    /// whole of `eat`, so two neighbours never eat at the same time.
    ///
    /// # Panics
    ///
    /// If `seat` does not exist, or if `eat` panics (the forks are put down first).
    pub fn dine<R>(&self, seat: usize, eat: impl FnOnce() -> R) -> R {
        todo!(
            "3.6: pick up both forks in an order that no ring of waiting philosophers can form, then eat — see the chapter, Exercise 3.6"
        )
    }
}
