//! Loom model for Exercise 8.8: two threads queue work at the same time, one with `new_work` and
//! one with `wake_all`, while a worker is getting sleepy. Each must change the epoch the worker
//! sleeps on, or the worker can note the epoch one of them made, miss the other's job on its
//! last look, and sleep through the second wake. (A file of its own: a worker asleep forever is a
//! deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_sleep_two_spawners`.

use lab_primitives::sleep::Sleep;
use lab_primitives::sync::atomic::{AtomicBool, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn two_spawners_at_once_never_leave_a_worker_asleep() {
    // Bound: the lost wake-up needs four switches away from a running thread: the spawner whose
    // change is lost must stop between reading the epoch and writing it back, the other spawner
    // must run its whole change in that gap, and the worker must note the new epoch and make its
    // last look before the first spawner's job is visible to it, then sleep after that spawner's
    // wake. Loom first finds it at 4 (not at 3); 5 gives the margin `cargo lab verify` checks and
    // takes about 6 s of CPU in release. The exhaustive search of three threads takes more than
    // five minutes.
    model(Bound::Preemptions(5), || {
        let sleep = Arc::new(Sleep::new());
        let a = Arc::new(AtomicBool::new(false));
        let b = Arc::new(AtomicBool::new(false));
        let worker = thread::spawn({
            let (sleep, a, b) = (Arc::clone(&sleep), Arc::clone(&a), Arc::clone(&b));
            move || {
                // The pool's worker loop, until it has seen both jobs.
                let both = || a.load(Ordering::Acquire) && b.load(Ordering::Acquire);
                loop {
                    if both() {
                        return;
                    }
                    let token = sleep.prepare();
                    if both() {
                        sleep.cancel(token);
                        return;
                    }
                    sleep.sleep(token);
                }
            }
        });
        let spawner = thread::spawn({
            let (sleep, b) = (Arc::clone(&sleep), Arc::clone(&b));
            move || {
                b.store(true, Ordering::Release);
                sleep.new_work();
            }
        });
        a.store(true, Ordering::Release);
        sleep.wake_all();
        spawner.join().expect("the spawner panicked");
        worker.join().expect("the worker panicked");
    });
}
