//! Tasks on your own executor (Exercises 9.3 and 9.4): three tasks that sleep and yield, on one
//! thread, with a timeline of what ran when.
//!
//! Run with `cargo run -p lab-async-inside --example executor_timeline`.

use std::time::{Duration, Instant};

use lab_async_inside::executor::{Executor, yield_now};

// ANCHOR: timeline
fn main() {
    let executor = Executor::new();
    let start = Instant::now();
    for (name, pause) in [("a", 30), ("b", 10), ("c", 20)] {
        let timers = executor.clone();
        executor.spawn(async move {
            for step in 1..=2 {
                println!(
                    "{:>4} ms  task {name}: step {step}",
                    start.elapsed().as_millis()
                );
                timers.sleep(Duration::from_millis(pause)).await;
                yield_now().await;
            }
            println!("{:>4} ms  task {name}: done", start.elapsed().as_millis());
        });
    }
    executor.run();
    println!(
        "{:>4} ms  every task has finished, on one thread",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: timeline
