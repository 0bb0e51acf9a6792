//! Exercise 6.5: the parent's side of one worker process.

use std::error::Error;
use std::fmt;
use std::io::{self, BufReader};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout, ExitStatus};

use crate::guard::ChildGuard;
use crate::task::{Reply, Task};

// ANCHOR: task_error
/// Why a task got no reply.
#[derive(Debug)]
pub enum TaskError {
    /// The worker process died before it replied: the task crashed it, or it was killed, or it
    /// broke the protocol and was killed for it. The worker has been reaped; this is how it ended.
    WorkerDied(ExitStatus),
    /// The pool could not start or reap a worker.
    Io(io::Error),
}
// ANCHOR_END: task_error

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::WorkerDied(status) => {
                write!(f, "the worker died before replying ({status})")
            }
            TaskError::Io(error) => write!(f, "the pool could not manage its worker: {error}"),
        }
    }
}

impl Error for TaskError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            TaskError::WorkerDied(_) => None,
            TaskError::Io(error) => Some(error),
        }
    }
}

// ANCHOR: worker
/// A running worker process (the lab's `worker` binary) and the parent's ends of its pipes.
///
/// Dropping a `Worker` closes its pipes, then kills and reaps the process (through its
/// [`ChildGuard`]): fields are dropped in the order they are declared.
#[derive(Debug)]
pub struct Worker {
    /// Tasks go in here.
    stdin: ChildStdin,
    /// Replies come out of here.
    stdout: BufReader<ChildStdout>,
    process: ChildGuard,
}

impl Worker {
    /// Starts `program` as a worker, with its stdin and stdout piped to us and its stderr
    /// inherited (so that whatever a dying worker prints shows up in our output).
    pub fn start(program: &Path) -> io::Result<Worker> {
        todo!(
            "6.5: spawn with piped stdin and stdout, keep both ends — see the chapter, Exercise 6.5"
        )
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Sends `task` to the worker and waits for its reply.
    ///
    /// If the exchange fails in any way (the worker closed its stdout, writing its stdin failed
    /// because it is gone, or what came back is not a reply), the worker is finished: it is
    /// killed if it is still running, reaped, and the result is [`TaskError::WorkerDied`] with
    /// its exit status. A dead worker answers every later call the same way, at once; it is for
    /// the owner to replace it.
    ///
    /// # Errors
    ///
    /// [`TaskError::WorkerDied`] as above; [`TaskError::Io`] only if reaping the worker failed.
    pub fn call(&mut self, task: &Task) -> Result<Reply, TaskError> {
        todo!(
            "6.5: send, receive, and on any failure kill and reap — see the chapter, Exercise 6.5"
        )
    }

    /// Stops the worker gracefully: closes its stdin, which tells it there are no more tasks,
    /// then waits for it to exit and returns its exit status (a success for a healthy worker).
    pub fn shutdown(self) -> io::Result<ExitStatus> {
        todo!("6.5: drop stdin, then wait — see the chapter, Exercise 6.5")
    }
}
// ANCHOR_END: worker
