//! Exercise 3.2: `BoundedQueue::close`.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

mod common;

use std::sync::Arc;
use std::thread;

use common::finishes;
use lab_sync::queue::{BoundedQueue, Closed};

#[test]
fn consumers_drain_what_is_left_then_get_none() {
    let queue = BoundedQueue::new(4);
    queue.push(1).expect("the queue is open");
    queue.push(2).expect("the queue is open");
    queue.close();
    assert!(queue.is_closed(), "close must mark the queue closed");
    assert_eq!(
        queue.pop(),
        Some(1),
        "items pushed before close are still handed out"
    );
    assert_eq!(
        queue.pop(),
        Some(2),
        "items pushed before close are still handed out"
    );
    assert_eq!(
        queue.pop(),
        None,
        "a closed, empty queue must return None at once"
    );
    assert_eq!(queue.pop(), None, "…and keep returning None");
}

#[test]
fn push_on_a_closed_queue_gives_the_item_back() {
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
}

#[test]
fn close_wakes_every_blocked_consumer() {
    let results = finishes(
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
fn close_wakes_a_producer_blocked_on_a_full_queue() {
    let (refused, left) = finishes(
        "a producer blocked in push on a full queue, then close",
        || {
            let queue = Arc::new(BoundedQueue::new(1));
            queue.push(1).expect("the queue is open and empty");
            let producer = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.push(2))
            };
            queue.close();
            let refused = producer.join().expect("the producer panicked");
            (refused, queue.pop())
        },
    );
    assert_eq!(
        refused,
        Err(Closed(2)),
        "a push still waiting for room when the queue closes must fail with Closed(item)"
    );
    assert_eq!(left, Some(1), "the item pushed before close is still there");
}
