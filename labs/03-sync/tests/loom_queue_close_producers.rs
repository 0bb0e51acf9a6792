//! Loom model for Exercise 3.2: two producers wait in `push` on a full queue, and the queue is
//! closed. Both must wake and get their item back: nobody may sleep forever.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_close_producers`.

use lab_support::loom::{Bound, model};
use lab_sync::queue::{BoundedQueue, Closed};
use lab_sync::sync::{Arc, thread};

#[test]
fn close_wakes_every_waiting_producer() {
    model(Bound::Exhaustive, || {
        let queue = Arc::new(BoundedQueue::new(1));
        queue.push(1).expect("the queue is open and empty");
        let producers: Vec<_> = [2, 3]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.push(item))
            })
            .collect();
        queue.close();
        let refused: Vec<Result<(), Closed<i32>>> = producers
            .into_iter()
            .map(|producer| producer.join().expect("a producer panicked"))
            .collect();
        assert_eq!(
            refused,
            vec![Err(Closed(2)), Err(Closed(3))],
            "a push still waiting for room when the queue closes must give its item back"
        );
        assert_eq!(
            (queue.pop(), queue.pop()),
            (Some(1), None),
            "the item pushed before close is still handed out, and then pop returns None"
        );
    });
}
