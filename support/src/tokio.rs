//! Bounded waits for async tests.

use std::future::Future;

use crate::PATIENCE;

/// Awaits `future`, failing the test, saying that `what` did not finish, if it has not finished
/// within [`PATIENCE`] of tokio's clock.
///
/// Under paused time (`#[tokio::test(start_paused = true)]`) the clock jumps ahead whenever
/// every task waits, so there the bound is reached as soon as nothing can make progress: a hang
/// still fails, at once.
pub async fn within_patience<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still not done after {PATIENCE:?} (it is stuck)"))
}
