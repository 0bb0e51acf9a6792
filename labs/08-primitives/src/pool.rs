//! Exercise 8.9: a work-stealing pool, the way rayon schedules its jobs.
//!
//! Each worker owns a deque of jobs (`crossbeam::deque::Worker`): it pushes the jobs it spawns
//! onto it and pops them back last-in-first-out, with no contention. A worker with nothing to
//! do steals from the other end of the others' deques (their `Stealer`s), and from a global
//! `Injector` that takes the jobs spawned from outside the pool. A worker that finds nothing
//! anywhere sleeps with the [`Sleep`] protocol of Exercise 8.8.
//!
//! Loom cannot see inside crossbeam's deques, so this file has no loom model: the tests run it
//! on real threads, and prove what they claim with rendezvous and with `sync::probe`, which shows
//! which threads sleep.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle, ThreadId};

use crossbeam::deque::{Injector, Stealer, Worker};

use crate::sleep::Sleep;
use crate::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use crate::sync::{wait, wake_all};
// You will also need `crossbeam::deque::Steal`.

// ANCHOR: pool
/// A job: it runs once, on some worker, and gets that worker's [`Local`] handle, through which
/// it can spawn more jobs.
pub type Job = Box<dyn FnOnce(&Local<'_>) + Send + 'static>;

/// A fixed set of worker threads that share jobs by stealing.
///
/// Dropping the pool waits until every job spawned so far has run, including the jobs those
/// jobs spawn, then stops the workers and joins them.
pub struct StealingPool {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

/// What all workers share.
struct Shared {
    /// Jobs spawned from outside the pool, first in, first out.
    injector: Injector<Job>,
    /// One per worker, in worker order: how the others steal from that worker's deque.
    stealers: Vec<Stealer<Job>>,
    /// Where idle workers sleep.
    sleep: Sleep,
    /// Jobs spawned and not yet finished (queued or running). Dropping the pool sleeps on it.
    pending: AtomicU32,
    /// Set by `drop` before it waits for `pending` to reach zero.
    draining: AtomicBool,
    /// Set by `drop` once every job is done: the workers return.
    stopping: AtomicBool,
}

/// A worker's view of the pool, handed to every job it runs.
pub struct Local<'a> {
    index: usize,
    deque: &'a Worker<Job>,
    shared: &'a Shared,
}
// ANCHOR_END: pool

impl StealingPool {
    /// Starts `workers` worker threads, each with its own last-in-first-out deque.
    ///
    /// # Panics
    ///
    /// If `workers` is 0, or a thread cannot be started.
    pub fn new(workers: usize) -> StealingPool {
        assert!(workers > 0, "a pool needs at least one worker");
        let deques: Vec<Worker<Job>> = (0..workers).map(|_| Worker::new_lifo()).collect();
        let shared = Arc::new(Shared {
            injector: Injector::new(),
            stealers: deques.iter().map(Worker::stealer).collect(),
            sleep: Sleep::new(),
            pending: AtomicU32::new(0),
            draining: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        });
        let threads = deques
            .into_iter()
            .enumerate()
            .map(|(index, deque)| {
                let shared = Arc::clone(&shared);
                thread::Builder::new()
                    .name(format!("stealing-{index}"))
                    .spawn(move || worker_loop(index, deque, &shared))
                    .expect("could not start a worker thread")
            })
            .collect();
        StealingPool { shared, threads }
    }

    /// How many worker threads the pool runs.
    pub fn workers(&self) -> usize {
        self.threads.len()
    }

    /// The worker threads' ids, in worker order.
    pub fn worker_ids(&self) -> Vec<ThreadId> {
        self.threads.iter().map(|t| t.thread().id()).collect()
    }

    // ANCHOR: pool_spawn
    /// Queues `job` on the global injector, for whichever worker gets to it first, and wakes a
    /// sleeping worker if there is one. Returns at once.
    ///
    /// The job is counted in with [`Shared::job_queued`] *before* it is queued.
    pub fn spawn<F>(&self, job: F)
    where
        F: FnOnce(&Local<'_>) + Send + 'static,
    {
        todo!(
            "8.9: count the job in, push it on the injector, tell the sleepers — see the chapter, Exercise 8.9"
        )
    }
    // ANCHOR_END: pool_spawn
}

impl Local<'_> {
    /// Which worker this is (`0..workers`).
    pub fn index(&self) -> usize {
        self.index
    }

    // ANCHOR: local_spawn
    /// Pushes `job` onto **this worker's own deque**, and wakes a sleeping worker, if there is
    /// one, so that it can steal it. Returns at once.
    ///
    /// This worker pops its own deque last-in-first-out: on a pool of one worker, the jobs a
    /// job spawns run after it returns, the last spawned first. The job is counted in with
    /// [`Shared::job_queued`] before it is pushed.
    pub fn spawn<F>(&self, job: F)
    where
        F: FnOnce(&Local<'_>) + Send + 'static,
    {
        todo!(
            "8.9: count the job in, push it on your own deque, tell the sleepers — see the chapter, Exercise 8.9"
        )
    }
    // ANCHOR_END: local_spawn
}

impl Shared {
    /// Counts one more job in. Call it before the job is queued, so that `pending` can never
    /// reach zero while the job waits.
    fn job_queued(&self) {
        self.pending.fetch_add(1, Ordering::SeqCst);
    }

    /// Runs `job` on this worker, catching a panic (the panic hook has printed it; the worker
    /// goes on), then counts the job out. The last job out wakes a `drop` that waits.
    fn run(&self, job: Job, local: &Local<'_>) {
        let _ = panic::catch_unwind(AssertUnwindSafe(|| job(local)));
        // SeqCst on both sides of `draining` (here and in `drop`): store buffering again. Either
        // `drop` sees the count at zero, or this sees `draining` and wakes it.
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 && self.draining.load(Ordering::SeqCst)
        {
            wake_all(&self.pending);
        }
    }
}

// ANCHOR: find_job
/// Finds a job for worker `index`, whose own deque is `deque`, or `None` if there is none
/// anywhere right now.
///
/// Looks in this order: the worker's own deque (`pop`); the injector, taking a batch of jobs
/// into the own deque at once and returning one of them (`steal_batch_and_pop`); then the other
/// workers' deques (`steal` on their stealers). A steal can answer `Steal::Retry` (it lost a race
/// with another thread, and the deque may still hold jobs): then look again; return `None` only
/// when everything answered `Steal::Empty`.
fn find_job(index: usize, deque: &Worker<Job>, shared: &Shared) -> Option<Job> {
    todo!(
        "8.9: own deque, then the injector, then steal from the others; retry on Steal::Retry — see the chapter, Exercise 8.9"
    )
}
// ANCHOR_END: find_job

/// How many times an idle worker looks for work again, yielding in between, before it sleeps
/// (rayon's workers do 32 such rounds).
const IDLE_ROUNDS: usize = 32;

// ANCHOR: worker_loop
/// What each worker thread runs until the pool stops.
fn worker_loop(index: usize, deque: Worker<Job>, shared: &Shared) {
    let local = Local {
        index,
        deque: &deque,
        shared,
    };
    'work: loop {
        if let Some(job) = find_job(index, &deque, shared) {
            shared.run(job, &local);
            continue;
        }
        if shared.stopping.load(Ordering::Acquire) {
            return;
        }
        // Nothing anywhere. Falling asleep and being woken cost two system calls, and new work
        // often comes soon: look a few more times first, giving up the core in between.
        for _ in 0..IDLE_ROUNDS {
            thread::yield_now();
            if let Some(job) = find_job(index, &deque, shared) {
                shared.run(job, &local);
                continue 'work;
            }
        }
        // Nothing anywhere: get ready to sleep, then look once more. A job queued before
        // `prepare` is found now; one queued after it comes with a `new_work` that wakes us.
        let token = shared.sleep.prepare();
        if let Some(job) = find_job(index, &deque, shared) {
            shared.sleep.cancel(token);
            shared.run(job, &local);
        } else if shared.stopping.load(Ordering::Acquire) {
            shared.sleep.cancel(token);
            return;
        } else {
            shared.sleep.sleep(token);
        }
    }
}
// ANCHOR_END: worker_loop

impl Drop for StealingPool {
    fn drop(&mut self) {
        let shared = &self.shared;
        shared.draining.store(true, Ordering::SeqCst);
        loop {
            let pending = shared.pending.load(Ordering::SeqCst);
            if pending == 0 {
                break;
            }
            wait(&shared.pending, pending);
        }
        shared.stopping.store(true, Ordering::Release);
        shared.sleep.wake_all();
        for thread in self.threads.drain(..) {
            // A worker only ends by returning: jobs' panics are caught.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for StealingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StealingPool")
            .field("workers", &self.threads.len())
            .field("pending", &self.shared.pending.load(Ordering::Relaxed))
            .finish()
    }
}

impl fmt::Debug for Local<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}
