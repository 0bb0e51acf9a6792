//! The trap of a lock taken in the condition of a `while let`: the `MutexGuard` is a temporary of
//! the condition, and lives until the end of the loop body, so the body runs with the lock held.
//!
//! Run it with `cargo run -p lab-pools --example guard_lifetime`.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

// ANCHOR: take_front
/// Takes the front job. The guard is dropped when this function returns, before the caller
/// does anything with the job.
fn take_front(queue: &Mutex<VecDeque<u32>>) -> Option<u32> {
    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop_front()
}
// ANCHOR_END: take_front

fn main() {
    let queue = Mutex::new(VecDeque::from([1, 2]));

    // ANCHOR: trap
    while let Some(job) = queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop_front()
    {
        // The guard from the condition is still alive: nobody else can use the queue now.
        let locked = queue.try_lock().is_err();
        println!("while let: job {job} runs, queue locked: {locked}");
    }
    // ANCHOR_END: trap

    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend([3, 4]);

    // ANCHOR: fix
    while let Some(job) = take_front(&queue) {
        let locked = queue.try_lock().is_err();
        println!("a function that takes the job: job {job} runs, queue locked: {locked}");
    }
    // ANCHOR_END: fix
}
