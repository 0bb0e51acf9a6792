//! Helpers shared by the plain graded tests. This folder is not a test target of its own.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::panic;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long a test waits for something that correct code does at once. The limit never decides
/// whether correct code passes; it only turns a hang (a deadlock, a missed wake-up) into a failure
/// with a message.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Runs `body` on a helper thread and returns its result, failing the test if it has not
/// finished within [`PATIENCE`]. `what` says what was expected to finish, for the message. A
/// panic in `body` is re-raised here, so assertions inside it fail the test as usual.
pub fn finishes<R, F>(what: &str, body: F) -> R
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let (done_tx, done_rx) = mpsc::channel();
    let helper = thread::spawn(move || {
        let result = body();
        // The test may have given up already; then nobody listens, and that is fine.
        let _ = done_tx.send(());
        result
    });
    match done_rx.recv_timeout(PATIENCE) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => match helper.join() {
            Ok(result) => result,
            Err(payload) => panic::resume_unwind(payload),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "still blocked after {PATIENCE:?}: {what}. Something waits for a wake-up that never \
             comes (a missing notify, a condition checked with `if`, or a deadlock)"
        ),
    }
}
