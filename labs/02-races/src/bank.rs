//! Exercise 2.4: check-then-act. A transfer must check the balance and move the money in one
//! critical section.

use std::fmt;
use std::sync::PoisonError;

use crate::sync::{Mutex, MutexGuard};

/// Accounts numbered `0..n`, each holding a balance in whole cents. Money is never created or
/// destroyed: [`transfer`](Bank::transfer) only moves it, so [`total`](Bank::total) never changes.
#[derive(Debug)]
pub struct Bank {
    balances: Mutex<Vec<u64>>,
}

/// Why a [`Bank::transfer`] was refused. A refused transfer changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// There is no account with this number.
    NoSuchAccount(usize),
    /// The paying account holds less than the amount.
    InsufficientFunds { balance: u64, amount: u64 },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::NoSuchAccount(account) => write!(f, "there is no account {account}"),
            TransferError::InsufficientFunds { balance, amount } => {
                write!(f, "cannot pay {amount} from a balance of {balance}")
            }
        }
    }
}

impl std::error::Error for TransferError {}

impl Bank {
    /// A bank with one account per entry of `balances`.
    ///
    /// # Panics
    ///
    /// If the balances add up to more than `u64::MAX` (then no account could ever receive them all).
    pub fn new(balances: Vec<u64>) -> Self {
        assert!(
            balances
                .iter()
                .try_fold(0_u64, |sum, b| sum.checked_add(*b))
                .is_some(),
            "the balances must add up to at most u64::MAX"
        );
        Bank {
            balances: Mutex::new(balances),
        }
    }

    /// The balance of `account`, or `None` if there is no such account.
    ///
    /// The answer may be stale as soon as it is returned: another thread can transfer right
    /// after the lock is released. Never decide on it and act later (see Exercise 2.4).
    pub fn balance(&self, account: usize) -> Option<u64> {
        self.balances().get(account).copied()
    }

    /// The sum of all balances, read under one lock so that no transfer is half counted.
    pub fn total(&self) -> u64 {
        self.balances().iter().sum()
    }

    // ANCHOR: transfer
    /// Moves `amount` from account `from` to account `to`, or refuses and changes nothing.
    ///
    /// The check (does `from` hold at least `amount`?) and the move are one critical section,
    /// so two transfers racing for the same money can never both pass the check: however many
    /// threads transfer at once, no balance ever goes below zero and the total never changes.
    /// A transfer from an account to itself succeeds if the balance covers it, and changes
    /// nothing.
    ///
    /// # Errors
    ///
    /// Checked in this order; the first that applies is returned:
    ///
    /// 1. [`TransferError::NoSuchAccount`]`(from)` if `from` is not an account;
    /// 2. [`TransferError::NoSuchAccount`]`(to)` if `to` is not an account;
    /// 3. [`TransferError::InsufficientFunds`], with `from`'s balance and the `amount`, if the
    ///    balance is less than the amount.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        todo!(
            "2.4: check the balance and move the money under one lock — see the chapter, Exercise 2.4"
        )
    }
    // ANCHOR_END: transfer

    /// Locks the balances. A panic while they are locked cannot leave a transfer half done
    /// (`transfer` checks everything before it writes), so a poisoned lock is still consistent.
    fn balances(&self) -> MutexGuard<'_, Vec<u64>> {
        self.balances.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
