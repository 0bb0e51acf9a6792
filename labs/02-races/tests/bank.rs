//! Exercise 2.4: `Bank::transfer`.
//!
//! The threaded test here only catches check-then-act when two transfers happen to collide in
//! the gap between the check and the act; `tests/loom_bank.rs` tries every interleaving.

// With the `loom` feature on, the lab's types only work inside a loom model.
#![cfg(not(feature = "loom"))]

use lab_races::bank::{Bank, TransferError};
use lab_support::{Rendezvous, within_patience};

#[test]
fn transfer_moves_money() {
    within_patience("transfers on one thread", || {
        let bank = Bank::new(vec![100, 50, 0]);
        assert_eq!(bank.transfer(0, 2, 30), Ok(()));
        assert_eq!(bank.balance(0), Some(70), "30 left account 0");
        assert_eq!(bank.balance(2), Some(30), "30 arrived in account 2");
        assert_eq!(
            bank.transfer(1, 0, 50),
            Ok(()),
            "an account may pay out its whole balance"
        );
        assert_eq!(bank.balance(1), Some(0));
        assert_eq!(bank.balance(0), Some(120));
        assert_eq!(
            bank.transfer(2, 2, 30),
            Ok(()),
            "paying yourself is allowed"
        );
        assert_eq!(bank.balance(2), Some(30), "and changes nothing");
        assert_eq!(bank.total(), 150, "transfers never create or destroy money");
    });
}

#[test]
fn transfer_refuses_to_overdraw_and_changes_nothing() {
    within_patience("refused transfers", || {
        let bank = Bank::new(vec![100, 50]);
        assert_eq!(
            bank.transfer(1, 0, 51),
            Err(TransferError::InsufficientFunds {
                balance: 50,
                amount: 51
            }),
            "account 1 holds 50 and cannot pay 51"
        );
        assert_eq!(
            bank.transfer(0, 7, 10),
            Err(TransferError::NoSuchAccount(7)),
            "there is no account 7 to pay into"
        );
        assert_eq!(
            bank.transfer(9, 0, 10),
            Err(TransferError::NoSuchAccount(9)),
            "there is no account 9 to pay from"
        );
        assert_eq!(
            (bank.balance(0), bank.balance(1)),
            (Some(100), Some(50)),
            "a refused transfer must change nothing"
        );
    });
}

#[test]
fn transfer_reports_errors_in_the_documented_order() {
    within_patience("refused transfers", || {
        let bank = Bank::new(vec![100, 50]);
        assert_eq!(
            bank.transfer(9, 7, 10),
            Err(TransferError::NoSuchAccount(9)),
            "neither 9 nor 7 is an account: `from` is checked first, so the error must name 9"
        );
        assert_eq!(
            bank.transfer(1, 7, 1_000),
            Err(TransferError::NoSuchAccount(7)),
            "7 is not an account, and 50 does not cover 1000: an account that does not exist is \
             reported before insufficient funds"
        );
        assert_eq!(
            bank.transfer(9, 0, 1_000),
            Err(TransferError::NoSuchAccount(9)),
            "9 is not an account: that is reported before anything about the amount"
        );
        assert_eq!(
            (bank.balance(0), bank.balance(1)),
            (Some(100), Some(50)),
            "a refused transfer must change nothing"
        );
    });
}

#[test]
fn concurrent_transfers_never_overdraw() {
    // Every thread tries to take 3 from account 0 into its own account, again and again, until
    // it is refused. 1_000 is not a multiple of 3, so exactly 1 must be left over. The threads
    // start together (a rendezvous), so that they really compete.
    const THREADS: usize = 4;
    let bank = within_patience("four threads draining one account", || {
        let mut balances = vec![0; THREADS + 1];
        balances[0] = 1_000;
        let bank = Bank::new(balances);
        let start = Rendezvous::new(THREADS);
        std::thread::scope(|s| {
            for me in 1..=THREADS {
                let (bank, start) = (&bank, &start);
                s.spawn(move || {
                    start.meet("threads draining the account");
                    while bank.transfer(0, me, 3).is_ok() {}
                });
            }
        });
        bank
    });
    assert_eq!(
        bank.balance(0),
        Some(1),
        "after draining 1000 in steps of 3, exactly 1 must be left in account 0"
    );
    assert_eq!(
        bank.total(),
        1_000,
        "transfers never create or destroy money"
    );
}
