//! A fast producer, a slow consumer and a `BoundedQueue` between them: backpressure at work.
//!
//! ```text
//! cargo run -p lab-sync --example producer_consumer
//! ```
//!
//! The producer could make all its items at once, but the queue holds only 3, so `push` blocks and
//! the producer is held to the consumer's pace. Closing the queue is the end-of-stream signal: the
//! consumer drains what is left and its loop ends. Needs Exercises 3.1 and 3.2.

use std::thread;
use std::time::Duration;

use lab_sync::queue::BoundedQueue;

// ANCHOR: main
fn main() {
    let queue = BoundedQueue::new(3);
    thread::scope(|s| {
        s.spawn(|| {
            for item in 1..=8 {
                println!("producer: pushing {item} (queue holds {})", queue.len());
                queue.push(item).expect("nobody else closes the queue");
            }
            println!("producer: done, closing the queue");
            queue.close();
        });
        s.spawn(|| {
            while let Some(item) = queue.pop() {
                thread::sleep(Duration::from_millis(20)); // a slow consumer
                println!("    consumer: got {item}");
            }
            println!("    consumer: queue closed and drained");
        });
    });
}
// ANCHOR_END: main
