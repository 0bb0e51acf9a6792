//! 100 000 tiny jobs on your work-stealing pool, on the lab 04 pool and on rayon, in one run:
//! prints the time per job of each, and how each compares with rayon's `scope` + `spawn`.
//!
//! Two ways of spawning each: from inside a job (rayon's `scope`, your `Local::spawn`), where the
//! jobs go on the spawning worker's own deque and the others steal them; and from outside the
//! pool (`rayon::ThreadPool::spawn`, your `StealingPool::spawn`), through the global injector.
//!
//! ```console
//! $ cargo run --release -p lab-primitives --example tiny_jobs
//! ```
//!
//! Each way runs the batch seven times and keeps the median, so that one unlucky round (another
//! program taking a core) does not decide. Needs Exercise 8.9 done, and lab 04's pool.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use lab_pools::ThreadPool as Lab04Pool;
use lab_primitives::pool::StealingPool;

const JOBS: usize = 100_000;
const ROUNDS: usize = 7;

/// Counts jobs down; `wait` returns once all have counted themselves out.
struct Latch {
    remaining: AtomicUsize,
    done: Mutex<bool>,
    finished: Condvar,
}

impl Latch {
    fn new(jobs: usize) -> Arc<Self> {
        Arc::new(Latch {
            remaining: AtomicUsize::new(jobs),
            done: Mutex::new(false),
            finished: Condvar::new(),
        })
    }

    fn count_down(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.done.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.finished.notify_all();
        }
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        while !*done {
            done = self
                .finished
                .wait(done)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The median time of `ROUNDS` runs of `batch`.
fn median(mut batch: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            batch();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[ROUNDS / 2]
}

fn main() {
    let workers = thread::available_parallelism().map_or(1, |n| n.get());
    let stealing = StealingPool::new(workers);
    let lab04 = Lab04Pool::new(workers).expect("could not start the lab 04 pool");
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("could not start rayon's pool");

    let results = [
        (
            "rayon: scope + spawn",
            median(|| {
                let latch = Latch::new(JOBS);
                rayon.scope(|s| {
                    for i in 0..JOBS {
                        let latch = Arc::clone(&latch);
                        s.spawn(move |_| {
                            black_box(i);
                            latch.count_down();
                        });
                    }
                });
                latch.wait();
            }),
        ),
        (
            "rayon: spawn from outside",
            median(|| {
                let latch = Latch::new(JOBS);
                for i in 0..JOBS {
                    let latch = Arc::clone(&latch);
                    rayon.spawn(move || {
                        black_box(i);
                        latch.count_down();
                    });
                }
                latch.wait();
            }),
        ),
        (
            "yours: one job spawns the rest",
            median(|| {
                let latch = Latch::new(JOBS);
                let root = Arc::clone(&latch);
                stealing.spawn(move |local| {
                    for i in 1..JOBS {
                        let latch = Arc::clone(&root);
                        local.spawn(move |_| {
                            black_box(i);
                            latch.count_down();
                        });
                    }
                    root.count_down();
                });
                latch.wait();
            }),
        ),
        (
            "yours: all spawned from outside",
            median(|| {
                let latch = Latch::new(JOBS);
                for i in 0..JOBS {
                    let latch = Arc::clone(&latch);
                    stealing.spawn(move |_| {
                        black_box(i);
                        latch.count_down();
                    });
                }
                latch.wait();
            }),
        ),
        (
            "lab 04: execute",
            median(|| {
                let latch = Latch::new(JOBS);
                for i in 0..JOBS {
                    let latch = Arc::clone(&latch);
                    lab04.execute(move || {
                        black_box(i);
                        latch.count_down();
                    });
                }
                latch.wait();
            }),
        ),
    ];

    let rayon_time = results[0].1;
    println!("{JOBS} tiny jobs on {workers} workers (median of {ROUNDS} runs):");
    for (name, time) in results {
        println!(
            "  {name:<34} {:>8.1?} in all, {:>6.0} ns per job, {:.2}x rayon's time",
            time,
            time.as_nanos() as f64 / JOBS as f64,
            time.as_secs_f64() / rayon_time.as_secs_f64()
        );
    }
}
