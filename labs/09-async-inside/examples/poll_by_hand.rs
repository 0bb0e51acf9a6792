//! A future polled by hand: no runtime, no executor, just `poll` and a waker that prints.
//!
//! Run with `cargo run -p lab-async-inside --example poll_by_hand`.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use lab_async_inside::executor::yield_now;

// ANCHOR: waker
/// A waker that only says it was woken.
struct PrintingWaker;

impl Wake for PrintingWaker {
    fn wake(self: Arc<Self>) {
        println!("    waker: woken, the task should be polled again");
    }
}
// ANCHOR_END: waker

// ANCHOR: poll
fn main() {
    let future = async {
        println!("    future: started");
        yield_now().await; // Pending once, after waking its own waker
        println!("    future: after the first yield");
        yield_now().await;
        println!("    future: done");
        42
    };
    println!("the future is built; nothing has run yet");

    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(PrintingWaker));
    let mut cx = Context::from_waker(&waker);
    for round in 1.. {
        println!("poll {round}:");
        match future.as_mut().poll(&mut cx) {
            Poll::Pending => println!("  -> Pending"),
            Poll::Ready(output) => {
                println!("  -> Ready({output})");
                break;
            }
        }
    }
}
// ANCHOR_END: poll
