//! Exercise 4.1: the queue the workers share; exercise 4.3: the loop each worker runs.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::job::{Job, run_job};
use crate::pool::ShutdownReport;

// ANCHOR: state
/// A first-in, first-out queue of jobs that any number of threads push to and take from, and
/// that can be closed.
///
/// Closing means "no more jobs are coming": the jobs already queued are still handed out, and
/// only then does [`next_job`](Self::next_job) return `None`. That is what lets a pool shut down
/// without losing work.
pub struct JobQueue {
    state: Mutex<QueueState>,
    /// Signalled when a job is pushed (wake one taker) and when the queue closes (wake them all).
    job_ready: Condvar,
}

struct QueueState {
    jobs: VecDeque<Job>,
    closed: bool,
}
// ANCHOR_END: state

impl JobQueue {
    /// An empty, open queue.
    pub fn new() -> Self {
        JobQueue {
            state: Mutex::new(QueueState {
                jobs: VecDeque::new(),
                closed: false,
            }),
            job_ready: Condvar::new(),
        }
    }

    /// How many jobs are waiting to be taken.
    pub fn len(&self) -> usize {
        self.lock().jobs.len()
    }

    /// Whether no job is waiting to be taken.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether [`close`](Self::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Locks the state. A panic never happens while the lock is held (jobs run outside it), so
    /// a poisoned lock still holds consistent data: take it anyway.
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: queue_ops
    /// Adds `job` at the back of the queue and wakes one thread waiting in
    /// [`next_job`](Self::next_job).
    ///
    /// A closed queue takes no more jobs: it gives `job` back as `Err(job)`, unrun.
    pub fn push(&self, job: Job) -> Result<(), Job> {
        let mut state = self.lock();
        if state.closed {
            return Err(job);
        }
        state.jobs.push_back(job);
        drop(state);
        self.job_ready.notify_one();
        Ok(())
    }

    /// Closes the queue and wakes every thread waiting in [`next_job`](Self::next_job).
    /// Jobs already queued stay queued. Closing twice is the same as closing once.
    pub fn close(&self) {
        self.lock().closed = true;
        // BUG: wakes one waiting worker; the others sleep on.
        self.job_ready.notify_one();
    }

    /// Takes the job at the front of the queue, waiting while the queue is empty and open.
    ///
    /// - Returns `Some(job)` as long as any job is queued, *even after the queue was closed*.
    /// - Returns `None` once the queue is closed and empty: there will never be another job.
    /// - Never returns `None` while the queue is open: an open, empty queue means "wait".
    pub fn next_job(&self) -> Option<Job> {
        let state = self.lock();
        let mut state = self
            .job_ready
            .wait_while(state, |s| s.jobs.is_empty() && !s.closed)
            .unwrap_or_else(PoisonError::into_inner);
        state.jobs.pop_front()
    }
    // ANCHOR_END: queue_ops

    // ANCHOR: work_until_closed
    /// The loop of one worker thread: takes jobs with [`next_job`](Self::next_job) and runs each
    /// with [`run_job`] until the queue is closed and empty, then returns what this worker did.
    ///
    /// - The queue's lock is *not* held while a job runs, so other workers can take jobs at the
    ///   same time.
    /// - A job that panics is recorded in the report and the loop goes on: a panic never ends
    ///   the worker.
    pub fn work_until_closed(&self) -> ShutdownReport {
        let mut report = ShutdownReport::default();
        while let Some(job) = self.next_job() {
            report.record(run_job(job));
        }
        report
    }
    // ANCHOR_END: work_until_closed
}

impl Default for JobQueue {
    fn default() -> Self {
        JobQueue::new()
    }
}

impl fmt::Debug for JobQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("JobQueue")
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}
