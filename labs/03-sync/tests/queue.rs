//! Exercise 3.1: `BoundedQueue::push` and `pop`.

// A plain test: with `--features loom` the lab's primitives only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;
use std::thread;

use lab_support::within_patience;
use lab_sync::queue::BoundedQueue;

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let (len, popped, empty) = within_patience("three pushes and three pops on one thread", || {
        let queue = BoundedQueue::new(3);
        for item in ["a", "b", "c"] {
            queue
                .push(item)
                .expect("push on an open queue with room must succeed");
        }
        let len = queue.len();
        let popped: Vec<_> = (0..3).map(|_| queue.pop()).collect();
        (len, popped, queue.is_empty())
    });
    assert_eq!(len, 3, "three pushes must leave three items");
    assert_eq!(
        popped,
        vec![Some("a"), Some("b"), Some("c")],
        "pop must hand items out first in, first out"
    );
    assert!(empty, "popping every item must empty the queue");
}

#[test]
fn a_capacity_one_queue_hands_every_item_over_in_order() {
    const ITEMS: u32 = 2_000;
    let received = within_patience(
        "a producer and a consumer passing 2000 items through a queue of 1",
        || {
            let queue = Arc::new(BoundedQueue::new(1));
            let producer = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    for item in 0..ITEMS {
                        queue
                            .push(item)
                            .expect("the queue is never closed in this test");
                        assert!(
                            queue.len() <= 1,
                            "a queue of capacity 1 held {} items: push must wait while the queue is full",
                            queue.len()
                        );
                    }
                })
            };
            let received: Vec<u32> = (0..ITEMS)
                .map(|_| queue.pop().expect("pop returned None from an open queue"))
                .collect();
            producer.join().expect("the producer panicked");
            received
        },
    );
    assert!(
        received.iter().copied().eq(0..ITEMS),
        "the consumer must receive 0..2000 in order, exactly once each"
    );
}

#[test]
fn the_queue_never_holds_more_than_its_capacity() {
    const CAPACITY: usize = 4;
    within_patience(
        "two producers filling a queue of 4 that one consumer drains",
        || {
            let queue = Arc::new(BoundedQueue::new(CAPACITY));
            let producers: Vec<_> = (0..2_u32)
                .map(|p| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || {
                        for i in 0..1_000 {
                            queue
                                .push(p * 1_000 + i)
                                .expect("the queue is never closed here");
                        }
                    })
                })
                .collect();
            for _ in 0..2_000 {
                let len = queue.len();
                assert!(
                    len <= CAPACITY,
                    "the queue held {len} items but its capacity is {CAPACITY}: push must wait while full"
                );
                queue.pop().expect("the queue is never closed here");
            }
            for producer in producers {
                producer.join().expect("a producer panicked");
            }
        },
    );
}

#[test]
fn many_producers_and_consumers_deliver_every_item_exactly_once() {
    const PER_PRODUCER: u32 = 1_000;
    let mut received = within_patience("2 producers and 2 consumers sharing a queue of 8", || {
        let queue = Arc::new(BoundedQueue::new(8));
        let producers: Vec<_> = (0..2_u32)
            .map(|p| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    for i in 0..PER_PRODUCER {
                        queue
                            .push(p * PER_PRODUCER + i)
                            .expect("the queue is never closed here");
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    (0..PER_PRODUCER)
                        .map(|_| queue.pop().expect("pop returned None on an open queue"))
                        .collect::<Vec<u32>>()
                })
            })
            .collect();
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        consumers
            .into_iter()
            .flat_map(|consumer| consumer.join().expect("a consumer panicked"))
            .collect::<Vec<u32>>()
    });
    received.sort_unstable();
    assert!(
        received.iter().copied().eq(0..2 * PER_PRODUCER),
        "every pushed item must be popped exactly once (none lost, none duplicated)"
    );
}
