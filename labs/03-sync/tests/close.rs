//! Exercise 3.2: `BoundedQueue::close`.
//!
//! The last two tests close the queue while other threads are probably, but not certainly,
//! blocked in `pop` or `push`; `tests/loom_queue_close.rs` and
//! `tests/loom_queue_close_producers.rs` check every interleaving.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;
use std::thread;

use lab_support::within_patience;
use lab_sync::queue::{BoundedQueue, Closed};

#[test]
fn consumers_drain_what_is_left_then_get_none() {
    let (closed, popped) = within_patience("pops on a closed queue", || {
        let queue = BoundedQueue::new(4);
        queue.push(1).expect("the queue is open");
        queue.push(2).expect("the queue is open");
        queue.close();
        (
            queue.is_closed(),
            [queue.pop(), queue.pop(), queue.pop(), queue.pop()],
        )
    });
    assert!(closed, "close must mark the queue closed");
    assert_eq!(
        popped,
        [Some(1), Some(2), None, None],
        "items pushed before close are still handed out, in order; then a closed, empty queue \
         returns None at once, every time"
    );
}

#[test]
fn push_on_a_closed_queue_gives_the_item_back() {
    within_patience("push on a closed queue", || {
        let queue = BoundedQueue::new(4);
        queue.close();
        assert_eq!(
            queue.push(String::from("late")),
            Err(Closed(String::from("late"))),
            "push on a closed queue must fail with Closed(item)"
        );
        assert!(queue.is_empty(), "a refused item must not be in the queue");
        queue.close(); // closing twice is harmless
        assert!(queue.is_closed(), "the queue stays closed");
    });
}

#[test]
fn push_on_a_closed_full_queue_gives_the_item_back_at_once() {
    let refused = within_patience(
        "push on a queue that is closed and full (waiting for room that will never come?)",
        || {
            let queue = BoundedQueue::new(1);
            queue.push(1).expect("the queue is open and empty");
            queue.close();
            queue.push(2)
        },
    );
    assert_eq!(
        refused,
        Err(Closed(2)),
        "a closed queue refuses every push at once, full or not: the item must come back as \
         Closed(item)"
    );
}

#[test]
fn close_wakes_every_blocked_consumer() {
    let results = within_patience(
        "two consumers blocked in pop on an empty queue, then close",
        || {
            let queue = Arc::new(BoundedQueue::<u32>::new(2));
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || queue.pop())
                })
                .collect();
            queue.close();
            consumers
                .into_iter()
                .map(|consumer| consumer.join().expect("a consumer panicked"))
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(
        results,
        vec![None, None],
        "pop on a closed, empty queue must return None"
    );
}

#[test]
fn close_wakes_every_producer_blocked_on_a_full_queue() {
    let (refused, left) = within_patience(
        "two producers blocked in push on a full queue, then close",
        || {
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
            let refused: Vec<_> = producers
                .into_iter()
                .map(|producer| producer.join().expect("a producer panicked"))
                .collect();
            (refused, queue.pop())
        },
    );
    assert_eq!(
        refused,
        [Err(Closed(2)), Err(Closed(3))],
        "a push still waiting for room when the queue closes must fail with Closed(item)"
    );
    assert_eq!(left, Some(1), "the item pushed before close is still there");
}
