//! Loom model for Exercise 3.2: two consumers wait in `pop` on an empty queue, and the queue is
//! closed. Both must wake and get `None`: nobody may sleep forever.
//!
//! Run with `cargo test -p lab-sync --release --features loom --test loom_queue_close`.

use lab_support::loom::{Bound, model};
use lab_sync::queue::BoundedQueue;
use lab_sync::sync::{Arc, thread};

#[test]
fn close_wakes_every_waiting_consumer() {
    model(Bound::Exhaustive, || {
        let queue = Arc::new(BoundedQueue::<i32>::new(1));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.pop())
            })
            .collect();
        queue.close();
        let got: Vec<Option<i32>> = consumers
            .into_iter()
            .map(|consumer| consumer.join().expect("a consumer panicked"))
            .collect();
        assert_eq!(
            got,
            vec![None, None],
            "pop on a closed, empty queue must return None"
        );
    });
}
