//! Loom model for Exercise 8.6: a notification made after the waiter unlocked is never lost,
//! wherever it falls between the unlock and the sleep. (A file of its own: a lost notification
//! leaves the waiter asleep forever, a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_condvar_notify`.

use lab_primitives::condvar::Condvar;
use lab_primitives::mutex::Mutex;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

// ANCHOR: model
#[test]
fn a_notification_after_the_waiter_unlocked_is_never_lost() {
    model(Bound::Exhaustive, || {
        let shared = Arc::new((Mutex::new(false), Condvar::new()));
        let notifier = thread::spawn({
            let shared = Arc::clone(&shared);
            move || {
                *shared.0.lock() = true;
                shared.1.notify_one();
            }
        });
        let mut ready = shared.0.lock();
        while !*ready {
            ready = shared.1.wait(ready);
        }
        drop(ready);
        notifier.join().expect("the notifier panicked");
    });
}
// ANCHOR_END: model
