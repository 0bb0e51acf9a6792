//! Loom model for Exercise 3.1: two consumers wait on an empty queue while a producer pushes two
//! items. In every interleaving each consumer must get one of the items.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_handoff`.

use lab_support::loom::{Bound, model};
use lab_sync::queue::BoundedQueue;
use lab_sync::sync::{Arc, thread};

// ANCHOR: model
#[test]
fn two_consumers_each_get_one_of_two_pushed_items() {
    // Bound: 3 preemptions. Exhaustive, this model takes seconds of CPU for a queue that wakes
    // every waiter (notify_all), and up to 20 s on a loaded 2-core machine. The bugs it is here
    // for (`if` around the wait in `pop`, a push that notifies only when the queue was empty)
    // show with 2 preemptions: both consumers go to sleep before the main thread pushes, and one
    // more switch lets the wrong thread take the lock. `cargo lab verify` checks that they are
    // still caught with the bound lowered to 2.
    model(Bound::Preemptions(3), || {
        let queue = Arc::new(BoundedQueue::new(2));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.pop())
            })
            .collect();
        queue
            .push(1)
            .expect("the queue is never closed in this model");
        queue
            .push(2)
            .expect("the queue is never closed in this model");
        let mut got: Vec<Option<i32>> = consumers
            .into_iter()
            .map(|consumer| consumer.join().expect("a consumer panicked"))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![Some(1), Some(2)],
            "each consumer must get one item: pop may only return None once the queue is closed"
        );
    });
}
// ANCHOR_END: model
