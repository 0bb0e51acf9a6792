//! Loom model for Exercise 3.1: a producer pushes three items through a queue of capacity 1, so
//! it must block on the full queue and be woken by the consumer's pops, and the queue must never
//! hold more than one item.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_backpressure`.

use lab_support::loom::{Bound, model};
use lab_sync::queue::BoundedQueue;
use lab_sync::sync::{Arc, thread};

#[test]
fn a_producer_blocked_on_a_full_queue_is_woken_by_pop() {
    model(Bound::Exhaustive, || {
        let queue = Arc::new(BoundedQueue::new(1));
        let producer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for item in 1..=3 {
                    queue
                        .push(item)
                        .expect("the queue is never closed in this model");
                    let len = queue.len();
                    assert!(
                        len <= 1,
                        "a queue of capacity 1 held {len} items after a push: push must wait \
                         for as long as the queue is full, and look again after every wake-up"
                    );
                }
            })
        };
        let got: Vec<Option<i32>> = (0..3).map(|_| queue.pop()).collect();
        producer.join().expect("the producer panicked");
        assert_eq!(
            got,
            vec![Some(1), Some(2), Some(3)],
            "the items must come out in order, each exactly once (None means a pop returned \
             from an open queue)"
        );
        assert!(
            queue.is_empty(),
            "three pushes and three pops must leave the queue empty"
        );
    });
}
