//! Where an async block keeps its locals, and why it must not move once it has been polled.
//!
//! Run with `cargo run -p lab-async-inside --example pinning`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use lab_async_inside::executor::yield_now;
use lab_async_inside::pinning::Gauge;

fn main() {
    // ANCHOR: inside
    let future = async {
        let readings = [3u32, 9, 4, 1];
        let largest = &readings[1]; // a reference into the future's own state
        for _ in 0..2 {
            println!(
                "    `readings` is at {:p}, `largest` points to {:p}",
                &readings, largest
            );
            yield_now().await;
        }
        *largest
    };
    println!("the future takes {} bytes", size_of_val(&future));

    let mut future = pin!(future); // from here on it stays at one address
    let mut cx = Context::from_waker(Waker::noop());
    while future.as_mut().poll(&mut cx).is_pending() {
        println!("  Pending; the future is at {:p}", &*future);
    }
    // ANCHOR_END: inside

    // ANCHOR: gauge
    let gauge = Gauge::new([3, 9, 4, 1]);
    let (largest, readings) = gauge.as_ref().addresses();
    println!(
        "the gauge's readings are at {readings:p}, its `largest` points to {largest:p}: {}",
        gauge.as_ref().largest()
    );
    let moved = gauge; // moving the Box moves a pointer; the gauge stays on the heap
    println!(
        "after moving the box, `largest` still reads {}",
        moved.as_ref().largest()
    );
    // ANCHOR_END: gauge
}
