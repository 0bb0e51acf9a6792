//! Exercise 12.5: giving up on a computation that has stopped moving.

use std::fmt;
use std::time::{Duration, Instant};

/// How far a worker's loop has got: how many epochs it has fed into the dataflow, and how many
/// of those it knows to be complete (their results sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Epochs fed so far: epochs `0..fed`.
    pub fed: u64,
    /// Epochs complete so far: epochs `0..complete`. Never more than `fed`.
    pub complete: u64,
}

impl Progress {
    /// Whether some epoch has been fed but is not complete yet.
    pub fn pending(&self) -> bool {
        self.complete < self.fed
    }
}

/// The error of a worker that gave up: epoch `epoch` was fed but did not complete, and nothing
/// moved for `waited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled {
    /// The first epoch that is not complete.
    pub epoch: u64,
    /// How long progress had been standing still when the watchdog gave up.
    pub waited: Duration,
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no progress for {:.1} s: epoch {} was fed but is not complete (a peer process may \
             have stopped, or the network between them may be down)",
            self.waited.as_secs_f64(),
            self.epoch
        )
    }
}

impl std::error::Error for Stalled {}

// ANCHOR: watchdog
/// Watches a worker's [`Progress`] and gives up when it stands still for too long while an
/// epoch is pending.
#[derive(Debug, Clone)]
pub struct Watchdog {
    /// How long progress may stand still while an epoch is pending; `None`: forever.
    patience: Option<Duration>,
    /// The progress of the last call, and the time of the first call that saw it.
    last: Option<(Progress, Instant)>,
}

impl Watchdog {
    /// A watchdog that gives up after `patience` without progress; with `None`, never.
    pub fn new(patience: Option<Duration>) -> Watchdog {
        Watchdog {
            patience,
            last: None,
        }
    }

    /// [`observe`](Self::observe) with the current time; always `Ok` without a patience.
    pub fn check(&mut self, progress: Progress) -> Result<(), Stalled> {
        match self.patience {
            None => Ok(()),
            Some(_) => self.observe(progress, Instant::now()),
        }
    }

    /// Records that the worker's progress is `progress` at time `now` (calls come with
    /// non-decreasing `now`), and decides whether to give up.
    ///
    /// Progress *changes* when `progress` differs from the previous call's (either field); the
    /// first call counts as a change. Returns `Err(Stalled { epoch, waited })` when an epoch is
    /// pending ([`Progress::pending`]) and progress has not changed for at least the patience:
    /// `waited = now - t >= patience`, where `t` is the time of the last call at which progress
    /// changed; `epoch` is `progress.complete`, the first epoch not complete. Returns `Ok(())`
    /// otherwise: while nothing is pending the worker is idle, not stuck, however long that
    /// lasts. A watchdog without a patience always returns `Ok(())`.
    pub fn observe(&mut self, progress: Progress, now: Instant) -> Result<(), Stalled> {
        todo!(
            "12.5: remember when progress last changed, and give up after the patience — see the chapter, Exercise 12.5"
        )
    }
}
// ANCHOR_END: watchdog
