//! Loom model for Exercise 3.3: two threads count a latch down while two threads wait on it.
//! Every waiter must wake, and must see both counters' work.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_latch`.

use lab_sync::latch::CountDownLatch;
use lab_sync::sync::atomic::{AtomicUsize, Ordering};
use lab_sync::sync::{Arc, thread};
use loom::model::Builder;

// ANCHOR: model
#[test]
fn every_waiter_wakes_and_sees_the_work_before_each_count_down() {
    let mut model = Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
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
        assert_eq!(
            work.load(Ordering::Relaxed),
            2,
            "wait returned before both count_downs were visible"
        );

        counter.join().expect("the counting thread panicked");
        let seen = waiter.join().expect("the waiting thread panicked");
        assert_eq!(
            seen, 2,
            "wait returned before both count_downs were visible"
        );
        assert_eq!(
            latch.remaining(),
            0,
            "two count_downs must open a latch of 2"
        );
    });
}
// ANCHOR_END: model
