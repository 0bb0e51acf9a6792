use std::sync::Mutex;
use std::thread;

impl ProcessPool {
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

    pub fn shutdown(self) -> io::Result<Vec<ExitStatus>> {
        // Shut every worker down before looking at any result, so one failure stops no others.
        let outcomes: Vec<io::Result<ExitStatus>> =
            self.workers.into_iter().map(Worker::shutdown).collect();
        outcomes.into_iter().collect()
    }
}

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
