//! Loom model for Exercise 3.1: two producers wait in `push` on a full queue of capacity 2, and a
//! consumer pops twice. Each pop makes room for one of them, and must let a waiting producer know,
//! or a producer sleeps next to an empty slot.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_two_producers`.

use lab_support::loom::{Bound, model};
use lab_sync::queue::BoundedQueue;
use lab_sync::sync::{Arc, thread};

#[test]
fn every_producer_waiting_for_room_gets_in() {
    // Bound: 3 preemptions. Exhaustive, this model takes seconds of CPU for a queue that wakes
    // every waiter, and up to 20 s on a loaded 2-core machine. A pop that notifies only when the
    // queue was full loses a producer with 2 preemptions (both producers asleep on the full
    // queue, then the second pop runs before the woken producer has pushed); `cargo lab verify`
    // checks that it is still caught with the bound lowered to 2.
    model(Bound::Preemptions(3), || {
        let queue = Arc::new(BoundedQueue::new(2));
        for item in [1, 2] {
            queue.push(item).expect("the queue is open and has room");
        }
        let producers: Vec<_> = [3, 4]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    queue
                        .push(item)
                        .expect("the queue is never closed in this model")
                })
            })
            .collect();
        // Two pops make room for both producers: each must be let in.
        let first: Vec<Option<i32>> = (0..2).map(|_| queue.pop()).collect();
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        assert_eq!(
            first,
            [Some(1), Some(2)],
            "the two items already in the queue must come out first, in order"
        );
        let mut rest = [queue.pop(), queue.pop()];
        rest.sort();
        assert_eq!(
            rest,
            [Some(3), Some(4)],
            "both producers' items must be in the queue once they have returned"
        );
    });
}
