//! Exercise 7.6: `run_blocking`, on a current-thread runtime: one thread runs every task.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use lab_async::blocking::run_blocking;
use lab_support::PATIENCE;
use lab_support::tokio::within_patience;

/// A counter that one side bumps and the other waits on, across threads.
#[derive(Default)]
struct Ticks {
    count: Mutex<u64>,
    ticked: Condvar,
}

impl Ticks {
    fn tick(&self) {
        *self.count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.ticked.notify_all();
    }

    fn now(&self) -> u64 {
        *self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits (blocking the calling thread) until the count reaches `target`, at most
    /// [`PATIENCE`]; returns the count reached.
    fn wait_for(&self, target: u64) -> u64 {
        let count = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        let (count, _) = self
            .ticked
            .wait_timeout_while(count, PATIENCE, |count| *count < target)
            .unwrap_or_else(PoisonError::into_inner);
        *count
    }
}

// ANCHOR: ticker
#[tokio::test(flavor = "current_thread")]
async fn the_runtime_keeps_ticking_while_the_work_runs() {
    let ticks = Arc::new(Ticks::default());
    let ticker = tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
                ticks.tick();
            }
        }
    });

    // CPU-bound work that can only finish once the ticker, a task on the runtime's one thread,
    // has ticked 3 more times while the work runs.
    let work = {
        let ticks = Arc::clone(&ticks);
        move || {
            let start = ticks.now();
            ticks.wait_for(start + 3) - start
        }
    };
    let ticks_during_work = within_patience("run_blocking", run_blocking(work)).await;

    ticker.abort();
    assert!(
        ticks_during_work >= 3,
        "the ticker ticked {ticks_during_work} times during the work, in {PATIENCE:?}: the work \
         blocked the runtime's only thread. Run it where blocking is allowed."
    );
}
// ANCHOR_END: ticker

#[tokio::test(flavor = "current_thread")]
async fn run_blocking_returns_the_result_of_the_work() {
    let data: Vec<u64> = (1..=1000).collect();

    let sum = within_patience(
        "run_blocking",
        run_blocking(move || data.iter().sum::<u64>()),
    )
    .await;

    assert_eq!(sum, 500_500, "the work's own result: 1 + 2 + … + 1000");
}

#[tokio::test(flavor = "current_thread")]
async fn a_panic_in_the_work_comes_out_of_run_blocking() {
    lab_support::hide_deliberate_panics();
    let outcome = within_patience(
        "run_blocking of work that panics",
        tokio::spawn(run_blocking(|| -> u32 {
            panic!("the work failed (on purpose)")
        })),
    )
    .await;

    let error = outcome.expect_err("run_blocking must panic when the work panics");
    let payload = error.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)");
    assert_eq!(
        message, "the work failed (on purpose)",
        "the work's own panic, passed on unchanged"
    );
}
