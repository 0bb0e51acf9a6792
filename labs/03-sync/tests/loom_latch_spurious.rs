//! Loom model for Exercise 3.3: a waiter woken with the count still above zero (a *spurious*
//! wake-up, which the standard library's `Condvar` allows) must go back to waiting.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_latch_spurious`.

use lab_support::loom::{Bound, model};
use lab_sync::latch::CountDownLatch;
use lab_sync::sync::{Arc, thread};

#[test]
fn a_wake_up_without_the_last_count_down_does_not_open_the_latch() {
    model(Bound::Exhaustive, || {
        let latch = Arc::new(CountDownLatch::new(1));
        let waiter = {
            let latch = Arc::clone(&latch);
            thread::spawn(move || {
                latch.wait();
                latch.remaining()
            })
        };
        latch.wake_waiters_spuriously();
        latch.count_down();
        let left = waiter.join().expect("the waiting thread panicked");
        assert_eq!(
            left, 0,
            "wait returned while the count was still {left}: it was woken without the last \
             count_down (as the standard Condvar may do, with no notify at all), and must look at \
             the count again instead of returning"
        );
    });
}
