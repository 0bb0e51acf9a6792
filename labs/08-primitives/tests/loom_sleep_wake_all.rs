//! Loom model for Exercise 8.8: `wake_all` wakes two sleepy workers, and neither sleeps through
//! it. (A file of its own: a worker asleep forever is a deadlock.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_sleep_wake_all`.

use lab_primitives::sleep::Sleep;
use lab_primitives::sync::atomic::{AtomicBool, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn wake_all_wakes_every_sleepy_worker() {
    // Bound: a worker sleeps through `wake_all` only if the main thread's store and `wake_all`
    // fall between its `prepare` and its `sleep`, or before a second worker's: one preemption of
    // each worker. Two suffice; three give a margin and take under a second.
    model(Bound::Preemptions(3), || {
        let sleep = Arc::new(Sleep::new());
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (sleep, stop) = (Arc::clone(&sleep), Arc::clone(&stop));
                thread::spawn(move || {
                    loop {
                        if stop.load(Ordering::Acquire) {
                            return;
                        }
                        let token = sleep.prepare();
                        if stop.load(Ordering::Acquire) {
                            sleep.cancel(token);
                            return;
                        }
                        sleep.sleep(token);
                    }
                })
            })
            .collect();
        stop.store(true, Ordering::Release);
        sleep.wake_all();
        for worker in workers {
            worker.join().expect("a worker panicked");
        }
    });
}
