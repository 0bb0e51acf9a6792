//! Exercises 6.6 and 6.7: a pool of worker processes, with crash isolation.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use crate::task::{Reply, Task};
use crate::worker::{TaskError, Worker};

// ANCHOR: pool
/// A fixed number of worker processes that run [`Task`]s, like Python's
/// `multiprocessing.Pool`.
///
/// Dropping the pool drops its [`Worker`]s, which kills and reaps every worker process;
/// [`shutdown`](ProcessPool::shutdown) stops them gracefully instead.
#[derive(Debug)]
pub struct ProcessPool {
    /// The worker program, kept to start replacements.
    program: PathBuf,
    workers: Vec<Worker>,
}

impl ProcessPool {
    /// Starts `size` workers running `program` (the lab's `worker` binary).
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] if `size` is 0; the error of the first worker that could
    /// not be started (the ones already started are then stopped again).
    pub fn new(program: impl Into<PathBuf>, size: usize) -> io::Result<ProcessPool> {
        todo!("6.6: start `size` workers — see the chapter, Exercise 6.6")
    }

    /// How many workers the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The process ids of the workers, in the pool's order.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.workers.iter().map(Worker::pid).collect()
    }

    /// Runs every task on the pool's workers and returns one result per task, **in the order of
    /// `tasks`** (result `i` belongs to `tasks[i]`), whatever order they finish in.
    ///
    /// All workers run at the same time, each one task at a time. A worker that is free takes the
    /// next task nobody has started yet, so one slow task holds up only its own worker, never
    /// the tasks behind it. An empty `tasks` gives an empty `Vec`.
    ///
    /// A task that kills its worker gets [`TaskError::WorkerDied`]; the pool starts a new worker
    /// in the dead one's place (Exercise 6.7), and the other tasks are not affected.
    pub fn map(&mut self, tasks: Vec<Task>) -> Vec<Result<Reply, TaskError>> {
        todo!(
            "6.6: one scoped thread per worker, a shared queue of tasks, results by index — see the chapter, Exercise 6.6"
        )
    }

    /// Stops every worker gracefully (see [`Worker::shutdown`]) and returns their exit statuses,
    /// in the pool's order. Every worker is stopped and reaped, even if stopping another failed;
    /// the first error, if any, is returned.
    pub fn shutdown(self) -> io::Result<Vec<ExitStatus>> {
        todo!("6.7: shut down every worker — see the chapter, Exercise 6.7")
    }
}
// ANCHOR_END: pool

// ANCHOR: run_isolated
/// Runs `task` on `worker`. If that kills the worker, starts a new worker running `program` in
/// its place, so the slot is ready for the next task, and returns the failure.
///
/// If the replacement cannot be started, the dead worker stays in the slot, and the next task
/// given to it fails at once (and tries again to replace it).
pub fn run_isolated(worker: &mut Worker, program: &Path, task: &Task) -> Result<Reply, TaskError> {
    todo!("6.7: call the worker; if it died, replace it — see the chapter, Exercise 6.7")
}
// ANCHOR_END: run_isolated
