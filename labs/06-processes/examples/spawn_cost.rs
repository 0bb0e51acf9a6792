//! What does it cost to start a thread, and to start a process? Starts each many times, waits
//! for it, and prints the average. A quick look; `cargo bench -p lab-processes -- spawn` is the
//! careful measurement.
//!
//! ```console
//! $ cargo run --release -p lab-processes --example spawn_cost
//! ```

use std::env;
use std::io;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 200;

fn main() -> io::Result<()> {
    if env::args().nth(1).as_deref() == Some("child") {
        return Ok(()); // the trivial child: start, and exit at once
    }
    let me = env::current_exe()?;

    // ANCHOR: measure
    let threads = average(|| {
        thread::spawn(|| 1 + 1)
            .join()
            .expect("the thread does not panic");
    });
    let processes = average(|| {
        let status = Command::new(&me)
            .arg("child")
            .status()
            .expect("start the child");
        assert!(status.success());
    });
    // ANCHOR_END: measure

    println!("thread  spawn + join: {threads:>10.1?}");
    println!("process spawn + wait: {processes:>10.1?}");
    println!(
        "a process costs about {:.0} times as much as a thread",
        processes.as_secs_f64() / threads.as_secs_f64()
    );
    Ok(())
}

/// The average time of `ROUNDS` runs of `start_and_wait`, after a few runs to warm up.
fn average(mut start_and_wait: impl FnMut()) -> Duration {
    for _ in 0..10 {
        start_and_wait();
    }
    let start = Instant::now();
    for _ in 0..ROUNDS {
        start_and_wait();
    }
    start.elapsed() / ROUNDS
}
