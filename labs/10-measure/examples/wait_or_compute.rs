//! Wait or compute? A task that sleeps and a task that computes, measured with your `measure`
//! (Exercise 10.3) while 0, 1 and 2 other threads keep computing beside them.
//!
//! ```console
//! $ cargo run --release -p lab-measure --example wait_or_compute
//! $ taskset -c 0 cargo run --release -p lab-measure --example wait_or_compute   # all on one core
//! ```
//!
//! Watch the last columns: CPU time over wall time falls for the computing task as soon as it
//! shares its core, while its busy fraction, which leaves out the time it waited for the core,
//! stays near 1.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use lab_measure::classify::{Usage, classify, measure};
use lab_measure::cpu_clock::thread_cpu_time;

const SLEEP: Duration = Duration::from_millis(100);
const COMPUTE: Duration = Duration::from_millis(100);

fn main() {
    println!(
        "{:<9} {:>11} {:>9} {:>9} {:>12} {:>9} {:>6} {:>8}",
        "task", "competitors", "wall", "CPU", "no core", "CPU/wall", "busy", "classify"
    );
    // A todo!() still in place: say so instead of printing its panic.
    panic::set_hook(Box::new(|_| {}));
    for competitors in 0..=2 {
        let load = Load::start(competitors);
        for (name, task) in [("sleeps", sleep as fn()), ("computes", compute)] {
            match panic::catch_unwind(AssertUnwindSafe(|| measure(task).1)) {
                Ok(usage) => print_row(name, competitors, &usage),
                Err(_) => {
                    println!(
                        "measure, busy_fraction or classify is not written yet (Exercise 10.3)"
                    );
                    return;
                }
            }
        }
        load.stop();
    }
}

fn print_row(name: &str, competitors: usize, usage: &Usage) {
    let naive = usage.cpu.as_secs_f64() / usage.wall.as_secs_f64();
    println!(
        "{name:<9} {competitors:>11} {:>9.1?} {:>9.1?} {:>12.1?} {naive:>9.2} {:>6.2} {:>8?}",
        usage.wall,
        usage.cpu,
        usage.waiting_for_cpu,
        usage.busy_fraction(),
        classify(usage)
    );
}

fn sleep() {
    thread::sleep(SLEEP);
}

/// Computes until this thread has had `COMPUTE` of CPU time.
fn compute() {
    let start = thread_cpu_time();
    let mut state = 1_u64;
    while thread_cpu_time() - start < COMPUTE {
        for _ in 0..1_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
        }
        std::hint::black_box(state);
    }
}

/// Threads that compute until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Load {
    fn start(threads: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..threads)
            .map(|_| {
                let stop = Arc::clone(&stop);
                thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            thread.join().expect("a load thread panicked");
        }
    }
}
