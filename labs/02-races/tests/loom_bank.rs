//! Loom model for Exercise 2.4: two transfers race for the same money.
//!
//! Run with `cargo test -p lab-races --release --features loom --test loom_bank`.

use lab_races::bank::Bank;
use lab_races::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn two_transfers_cannot_spend_the_same_money() {
    model(Bound::Exhaustive, || {
        // Account 0 holds 100; two threads each try to pay 60 out of it.
        let bank = Arc::new(Bank::new(vec![100, 0, 0]));
        let other = thread::spawn({
            let bank = Arc::clone(&bank);
            move || bank.transfer(0, 2, 60).is_ok()
        });
        let mine = bank.transfer(0, 1, 60).is_ok();
        let theirs = other.join().expect("the other thread panicked");
        assert!(
            mine != theirs,
            "100 covers one payment of 60, not two: exactly one transfer may succeed \
             (this one: {mine}, the other: {theirs})"
        );
        assert_eq!(bank.balance(0), Some(40), "account 0 must keep 40");
        assert_eq!(bank.total(), 100, "transfers never create or destroy money");
    });
}
