//! Loom model for Exercise 8.8: two workers that take turns being sleepy, finding work, spawning
//! and waking each other. Their changes to the count of sleepy workers overlap, and none may be
//! lost: a count that reads zero while a worker sleeps makes `new_work` skip the wake it needs.
//! (A file of its own: a worker asleep forever is a deadlock, which ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_sleep_hand_off`.

use lab_primitives::sleep::Sleep;
use lab_primitives::sync::atomic::{AtomicBool, Ordering};
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

/// The pool's worker loop, with "find a job" reading `job` (an `AtomicBool` standing in for a
/// deque, written with `Release` and read with `Acquire` as a deque would be).
fn work_until(sleep: &Sleep, job: &AtomicBool) {
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

#[test]
fn workers_that_wake_each_other_in_turn_never_sleep_through_work() {
    // Bound: each lost update needs the change of one worker to fall between the other's load
    // and store of the count, and the worker left asleep to be switched out once more before it
    // sleeps: loom finds a lost `cancel` or `prepare` at 1 and a lost change in `sleep` at 2.
    // Three keep the margin `cargo lab verify` checks and take a tenth of a second; the
    // exhaustive search takes over ten seconds.
    model(Bound::Preemptions(3), || {
        let sleep = Arc::new(Sleep::new());
        let first = Arc::new(AtomicBool::new(false));
        let second = Arc::new(AtomicBool::new(false));
        let other = thread::spawn({
            let (sleep, first, second) =
                (Arc::clone(&sleep), Arc::clone(&first), Arc::clone(&second));
            move || {
                work_until(&sleep, &first);
                second.store(true, Ordering::Release);
                sleep.new_work();
            }
        });
        // This worker is sleepy too, but finds a job on its last look (its own, queued already):
        // it cancels, runs it, and the job queues the other worker's.
        let token = sleep.prepare();
        sleep.cancel(token);
        first.store(true, Ordering::Release);
        sleep.new_work();
        // Then it waits for the job the other worker queues in turn.
        work_until(&sleep, &second);
        other.join().expect("the other worker panicked");
    });
}
