//! Loom model for Exercise 8.6: a waiter that leaves `wait` while another thread enters it. Both
//! change the count of waiters at once, and neither change may be lost: a count that drops to
//! zero while a thread sleeps makes the next notification skip its wake. (A file of its own: a
//! waiter left asleep is a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_condvar_handover`.

use lab_primitives::condvar::Condvar;
use lab_primitives::mutex::Mutex;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn a_waiter_entering_while_another_leaves_is_still_woken() {
    model(Bound::Exhaustive, || {
        // The step: 0 at first, 1 once this thread has notified the other, 2 once the other has
        // notified back.
        let shared = Arc::new((Mutex::new(0_u32), Condvar::new()));
        let other = thread::spawn({
            let shared = Arc::clone(&shared);
            move || {
                let mut step = shared.0.lock();
                while *step < 1 {
                    step = shared.1.wait(step);
                }
                *step = 2;
                drop(step);
                shared.1.notify_all();
            }
        });
        *shared.0.lock() = 1;
        shared.1.notify_all();
        // The other thread may be on its way out of `wait` while this one goes in.
        let mut step = shared.0.lock();
        while *step < 2 {
            step = shared.1.wait(step);
        }
        drop(step);
        other.join().expect("the other thread panicked");
    });
}
