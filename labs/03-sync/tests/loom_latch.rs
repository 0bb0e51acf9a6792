//! Loom model for Exercise 3.3: two threads count a latch down while two threads wait on it.
//! Every waiter must wake, must not return before the count is zero, and must see both counters'
//! work. (`tests/loom_latch_spurious.rs` checks that a wake-up alone does not open the latch.)
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_latch`.

use lab_support::loom::{Bound, model};
use lab_sync::latch::CountDownLatch;
use lab_sync::sync::atomic::{AtomicUsize, Ordering};
use lab_sync::sync::{Arc, thread};

// ANCHOR: model
#[test]
fn every_waiter_wakes_and_sees_the_work_before_each_count_down() {
    // Bound: 3 preemptions. Exhaustive, this four-step, three-thread model takes several seconds
    // on a loaded 2-core machine. The latch's bugs (a wake-up for one waiter only, a check and a
    // wait in two critical sections) show with a single preemption at the wrong moment;
    // `cargo lab verify` checks that they are still caught with the bound lowered to 2.
    model(Bound::Preemptions(3), || {
        let latch = Arc::new(CountDownLatch::new(2));
        // Relaxed on purpose: only the latch may order these writes before the reads.
        let work = Arc::new(AtomicUsize::new(0));

        let counter = {
            let (latch, work) = (Arc::clone(&latch), Arc::clone(&work));
            thread::spawn(move || {
                work.fetch_add(1, Ordering::Relaxed);
                latch.count_down();
            })
        };
        let waiter = {
            let (latch, work) = (Arc::clone(&latch), Arc::clone(&work));
            thread::spawn(move || {
                latch.wait();
                work.load(Ordering::Relaxed)
            })
        };
        // The main thread both counts down and waits.
        work.fetch_add(1, Ordering::Relaxed);
        latch.count_down();
        latch.wait();
        let done = work.load(Ordering::Relaxed);
        assert_eq!(
            done, 2,
            "wait returned when only {done} of the 2 pieces of work were visible: it must return \
             only once both count_downs are done, and then see the work done before each"
        );

        counter.join().expect("the counting thread panicked");
        let done = waiter.join().expect("the waiting thread panicked");
        assert_eq!(
            done, 2,
            "wait returned when only {done} of the 2 pieces of work were visible: it must return \
             only once both count_downs are done, and then see the work done before each"
        );
        assert_eq!(
            latch.remaining(),
            0,
            "two count_downs must open a latch of 2"
        );
    });
}
// ANCHOR_END: model
