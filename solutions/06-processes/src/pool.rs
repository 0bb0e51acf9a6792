//! Exercises 6.6 and 6.7: a pool of worker processes, with crash isolation.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::Mutex;
use std::thread;

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
        if size == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a process pool needs at least one worker",
            ));
        }
        let program = program.into();
        // On an error, the workers started so far are dropped, which kills and reaps them.
        let workers = (0..size)
            .map(|_| Worker::start(&program))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(ProcessPool { program, workers })
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
        let count = tasks.len();
        let queue = Mutex::new(tasks.into_iter().enumerate());
        let program = self.program.as_path();

        let mut done: Vec<(usize, Result<Reply, TaskError>)> = thread::scope(|s| {
            let queue = &queue;
            let threads: Vec<_> = self
                .workers
                .iter_mut()
                .map(|worker| s.spawn(move || drain(queue, worker, program)))
                .collect();
            threads
                .into_iter()
                .flat_map(|thread| {
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });

        done.sort_unstable_by_key(|(index, _)| *index);
        debug_assert_eq!(done.len(), count, "every task runs exactly once");
        done.into_iter().map(|(_, result)| result).collect()
    }

    /// Stops every worker gracefully (see [`Worker::shutdown`]) and returns their exit statuses,
    /// in the pool's order. Every worker is stopped and reaped, even if stopping another failed;
    /// the first error, if any, is returned.
    pub fn shutdown(self) -> io::Result<Vec<ExitStatus>> {
        // Shut every worker down before looking at any result, so one failure stops no others.
        let outcomes: Vec<io::Result<ExitStatus>> =
            self.workers.into_iter().map(Worker::shutdown).collect();
        outcomes.into_iter().collect()
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
    let result = worker.call(task);
    if matches!(result, Err(TaskError::WorkerDied(_))) {
        // The assignment drops the dead worker (already reaped) in favour of a fresh one.
        if let Ok(fresh) = Worker::start(program) {
            *worker = fresh;
        }
    }
    result
}
// ANCHOR_END: run_isolated

/// The loop of one of `map`'s threads: takes the next task from the shared queue and runs it on
/// `worker`, until the queue is empty. Returns each result with its task's index.
fn drain(
    queue: &Mutex<impl Iterator<Item = (usize, Task)>>,
    worker: &mut Worker,
    program: &Path,
) -> Vec<(usize, Result<Reply, TaskError>)> {
    let mut done = Vec::new();
    // `next` holds the lock only while it takes a task, never while the task runs.
    while let Some((index, task)) = next(queue) {
        done.push((index, run_isolated(worker, program, &task)));
    }
    done
}

/// Takes the next task off the queue (a poisoned lock only means another thread panicked).
fn next<T>(queue: &Mutex<impl Iterator<Item = T>>) -> Option<T> {
    queue
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .next()
}
