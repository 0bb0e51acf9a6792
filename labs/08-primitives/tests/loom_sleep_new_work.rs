//! Loom model for Exercise 8.8: a worker that follows the sleep protocol never sleeps through
//! work queued before `new_work`. loom cannot see inside crossbeam's deques, so an `AtomicBool`
//! stands in for them, written and read with `Release` and `Acquire` as a deque would. (A file of
//! its own: a worker asleep forever is a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_sleep_new_work`.

use lab_primitives::sleep::Sleep;
use lab_primitives::sync::atomic::{AtomicBool, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

// ANCHOR: model
#[test]
fn a_worker_never_sleeps_through_new_work() {
    model(Bound::Exhaustive, || {
        let sleep = Arc::new(Sleep::new());
        let job = Arc::new(AtomicBool::new(false));
        let worker = thread::spawn({
            let (sleep, job) = (Arc::clone(&sleep), Arc::clone(&job));
            move || {
                // The pool's worker loop, with "find a job" reading the flag.
                loop {
                    if job.load(Ordering::Acquire) {
                        return;
                    }
                    let token = sleep.prepare();
                    if job.load(Ordering::Acquire) {
                        sleep.cancel(token);
                        return;
                    }
                    sleep.sleep(token);
                }
            }
        });
        job.store(true, Ordering::Release);
        sleep.new_work();
        worker.join().expect("the worker panicked");
    });
}
// ANCHOR_END: model
