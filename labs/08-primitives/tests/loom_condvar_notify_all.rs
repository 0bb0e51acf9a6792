//! Loom model for Exercise 8.6: notify_all wakes two waiters. (A file of its own: a waiter left
//! asleep is a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_condvar_notify_all`.

use lab_primitives::condvar::Condvar;
use lab_primitives::mutex::Mutex;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn notify_all_wakes_both_waiters() {
    // Bound: a partial wake-up needs both waiters asleep before the notification: one
    // preemption (of the main thread, after it spawned them). A notification that falls
    // between a waiter's unlock and its sleep needs one more. Three give a margin and take well
    // under a second; the exhaustive search takes minutes.
    model(Bound::Preemptions(3), || {
        let shared = Arc::new((Mutex::new(false), Condvar::new()));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || {
                    let mut ready = shared.0.lock();
                    while !*ready {
                        ready = shared.1.wait(ready);
                    }
                })
            })
            .collect();
        *shared.0.lock() = true;
        shared.1.notify_all();
        for waiter in waiters {
            waiter.join().expect("a waiter panicked");
        }
    });
}
