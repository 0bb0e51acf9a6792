//! Loom model for Exercise 3.2: two consumers pop twice each from a queue that receives one item
//! and is then closed. One pop gets the item, the three others get `None`, and nobody sleeps
//! forever: when the queue closes, both consumers may be waiting.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_close`.

use lab_sync::queue::BoundedQueue;
use lab_sync::sync::{Arc, thread};
use loom::model::Builder;

#[test]
fn close_wakes_every_waiting_consumer_after_the_last_item() {
    let mut model = Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let queue = Arc::new(BoundedQueue::new(1));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || [queue.pop(), queue.pop()])
            })
            .collect();
        queue.push(7).expect("the queue is still open");
        queue.close();
        let mut got: Vec<Option<i32>> = consumers
            .into_iter()
            .flat_map(|consumer| consumer.join().expect("a consumer panicked"))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![None, None, None, Some(7)],
            "the item pushed before close must be delivered once, and every other pop must get None"
        );
    });
}
