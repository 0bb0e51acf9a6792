//! The building blocks of the chapter, one small demonstration each: spawn and join, `move`,
//! scoped threads, sharing with `Arc`, progress over a channel, and a panicking thread.
//!
//! Run it with `cargo run -p lab-threads --example first_threads`.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

// ANCHOR: spawn_join
fn spawn_and_join() {
    let handle = thread::spawn(|| {
        let id = thread::current().id();
        let total: u64 = (1..=1_000).sum();
        println!("{id:?}: computed {total}");
        total
    });
    println!(
        "{:?}: the spawned thread is running",
        thread::current().id()
    );
    let total = handle.join().expect("the thread did not panic");
    println!("main got {total} back through the JoinHandle");
}
// ANCHOR_END: spawn_join

// ANCHOR: move
fn move_ownership() {
    let name = String::from("report.csv");
    // `move` gives `name` to the closure, and so to the new thread. Without it the closure
    // would only borrow `name`, which `thread::spawn` refuses: the thread may outlive `name`.
    let handle = thread::spawn(move || format!("{name} has {} characters", name.len()));
    println!("{}", handle.join().expect("the thread did not panic"));
}
// ANCHOR_END: move

// ANCHOR: scope
fn scoped_borrow() {
    let readings = vec![4, 8, 15, 16, 23, 42];
    let (left, right) = readings.split_at(readings.len() / 2);
    let (a, b) = thread::scope(|s| {
        let first = s.spawn(|| left.iter().sum::<i32>());
        let second = s.spawn(|| right.iter().sum::<i32>());
        (first.join(), second.join())
    });
    // Every thread spawned on `s` has ended here, so they could borrow `readings`.
    let total = a.expect("no panic") + b.expect("no panic");
    println!("{readings:?} adds up to {total}");
}
// ANCHOR_END: scope

// ANCHOR: arc
fn share_with_arc() {
    let words = Arc::new(vec!["alpha", "beta", "gamma"]);
    let handles: Vec<_> = (0..2)
        .map(|n| {
            let words = Arc::clone(&words); // a second owner of the same Vec, not a copy
            thread::spawn(move || format!("thread {n} sees {} words", words.len()))
        })
        .collect();
    for handle in handles {
        println!("{}", handle.join().expect("the thread did not panic"));
    }
}
// ANCHOR_END: arc

// ANCHOR: channel
fn progress_over_a_channel() {
    let (sender, receiver) = mpsc::channel();
    let worker = thread::spawn(move || {
        for step in 1..=3 {
            sender
                .send(format!("step {step} of 3 done"))
                .expect("main is listening");
        }
        // `sender` is dropped here, which closes the channel.
    });
    for message in receiver {
        // This loop ends when the channel closes.
        println!("progress: {message}");
    }
    worker.join().expect("the worker did not panic");
}
// ANCHOR_END: channel

// ANCHOR: panic
fn a_thread_panics() {
    let handle = thread::spawn(|| -> u64 { panic!("the input file is empty") });
    match handle.join() {
        Ok(value) => println!("the worker returned {value}"),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .unwrap_or("(not text)");
            println!("the worker panicked: {message}; main carries on");
        }
    }
}
// ANCHOR_END: panic

// ANCHOR: main_thread
fn describe_main_thread() {
    let main = thread::current();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let name = main.name().unwrap_or("unnamed");
    println!("this is the {name} thread; {cores} threads can run at once here");
}
// ANCHOR_END: main_thread

fn main() {
    describe_main_thread();

    spawn_and_join();
    move_ownership();
    scoped_borrow();
    share_with_arc();
    progress_over_a_channel();
    a_thread_panics();
}
