//! Exercises 9.3 and 9.4: a small executor: tasks in a ready queue, wakers that put them back,
//! join handles that are futures themselves, and timers for `sleep`.
//!
//! It runs every task on the one thread that calls [`Executor::run`] (or
//! [`Executor::run_until_idle`]); wakers may be called from any thread. The types are given: the
//! exercises fill in the functions.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

use crate::lock;

/// A task's future, boxed and pinned so the queue can hold tasks of any future type.
type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

// ANCHOR: types
/// A single-threaded executor. Cheap to clone: clones share the same tasks, so a task can spawn
/// more tasks with a clone it owns. `Send` and `Sync`: tasks may be spawned and woken from any
/// thread, but they are polled only by the thread inside [`run`](Self::run) or
/// [`run_until_idle`](Self::run_until_idle).
#[derive(Clone)]
pub struct Executor {
    shared: Arc<Shared>,
}

/// What the executor, its tasks and its sleep futures share.
struct Shared {
    state: Mutex<State>,
}

struct State {
    /// Tasks ready to be polled, in the order they became ready (first in, first out).
    ready: VecDeque<Arc<Task>>,
    /// Spawned tasks whose future has not finished yet.
    live: usize,
    /// The wakers of pending [`Sleep`] futures, by deadline, then by timer id (two sleeps may
    /// share a deadline). Iterating a `BTreeMap` goes in key order: earliest deadline first.
    timers: BTreeMap<(Instant, u64), Waker>,
    /// The id the next timer gets.
    next_timer: u64,
    /// The thread inside [`Executor::run`], if any: a wake from another thread unparks it.
    runner: Option<Thread>,
}

/// A spawned task. Its waker is the task itself: `Waker::from(task: Arc<Task>)`.
struct Task {
    /// The task's future; `None` once it has finished.
    future: Mutex<Option<BoxFuture>>,
    /// Whether the task is in the ready queue. A task is in the queue at most once, however
    /// often it is woken before it runs.
    queued: Mutex<bool>,
    /// The executor whose ready queue the task goes back to when woken.
    executor: Arc<Shared>,
}

/// The handle of a spawned task: a future that completes with the task's output.
pub struct JoinHandle<T> {
    slot: Arc<Mutex<JoinSlot<T>>>,
}

/// Where a task leaves its output for its [`JoinHandle`].
struct JoinSlot<T> {
    /// The task's output, once it has finished (until the handle takes it).
    output: Option<T>,
    /// The waker of the handle's latest `Pending` poll, to wake when the output arrives.
    waiter: Option<Waker>,
}
// ANCHOR_END: types

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Executor {
        Executor {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    ready: VecDeque::new(),
                    live: 0,
                    timers: BTreeMap::new(),
                    next_timer: 0,
                    runner: None,
                }),
            }),
        }
    }

    // ANCHOR: spawn
    /// Spawns `future` as a task and returns its [`JoinHandle`].
    ///
    /// The task is queued as ready but does not run yet: nothing is polled before the next call
    /// of [`run`](Self::run) or [`run_until_idle`](Self::run_until_idle) (spawning from inside a
    /// task is fine: the new task runs later in the same call). When the future completes, its
    /// output goes to the handle, and the handle's latest waker is woken.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        todo!("9.3: box the task, queue it, return its handle — see the chapter, Exercise 9.3")
    }
    // ANCHOR_END: spawn

    // ANCHOR: run_until_idle
    /// Polls ready tasks, first in first out, until no task is ready, then returns.
    ///
    /// Each task is polled with a waker that puts it back in the ready queue (once, however often
    /// it is woken before it runs again), including a task that wakes itself, or is woken by
    /// another thread, *while it is being polled*: that task is polled again in this same call. A
    /// task whose future completes is finished: its future is dropped at once, and it is never
    /// polled again. Never blocks: tasks waiting for a timer or another thread stay as they are.
    pub fn run_until_idle(&self) {
        todo!("9.3: pop, poll, repeat until the queue is empty — see the chapter, Exercise 9.3")
    }
    // ANCHOR_END: run_until_idle

    // ANCHOR: run
    /// Runs until every spawned task has finished, then returns.
    ///
    /// Polls ready tasks as [`run_until_idle`](Self::run_until_idle) does. When none is ready,
    /// wakes the [`Sleep`]s whose deadline has passed, earliest deadline first; when none is due
    /// either, the thread sleeps (parks, without spinning) until the next deadline or until a
    /// task is woken from another thread, whichever comes first. Tasks spawned meanwhile, from a
    /// task or another thread, are run too.
    pub fn run(&self) {
        todo!(
            "9.4: run tasks, fire timers, park until the next deadline or wake — see the chapter, Exercise 9.4"
        )
    }
    // ANCHOR_END: run

    /// A future that completes once `duration` has passed (measured from this call), as a task of
    /// this executor: see [`Sleep`].
    pub fn sleep(&self, duration: Duration) -> Sleep {
        self.sleep_until(Instant::now() + duration)
    }

    /// A future that completes at `deadline`, as a task of this executor: see [`Sleep`].
    pub fn sleep_until(&self, deadline: Instant) -> Sleep {
        Sleep {
            executor: Arc::clone(&self.shared),
            deadline,
            timer: None,
        }
    }

    /// Spawns `future`, runs the executor until every task has finished, and returns the
    /// future's output.
    pub fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut handle = self.spawn(future);
        self.run();
        handle
            .try_take()
            .expect("`run` returns only once every task has finished")
    }

    /// How many spawned tasks have not finished yet.
    pub fn unfinished(&self) -> usize {
        lock(&self.shared.state).live
    }
}

impl Wake for Task {
    // ANCHOR: wake
    /// Puts the task in its executor's ready queue, unless it is already there, and unparks the
    /// thread inside [`Executor::run`], if any, so that it runs the task.
    fn wake(self: Arc<Self>) {
        todo!("9.3: queue the task once, unpark the runner — see the chapter, Exercise 9.3")
    }
    // ANCHOR_END: wake
}

impl<T> JoinHandle<T> {
    /// The task's output if it has finished and the output has not been taken yet. Never blocks
    /// and never registers a waker.
    pub fn try_take(&mut self) -> Option<T> {
        lock(&self.slot).output.take()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    // ANCHOR: join_poll
    /// `Ready(output)` once the task has finished; otherwise `Pending`, after keeping the waker of
    /// this poll (in place of any earlier one) for the task to wake when it finishes.
    ///
    /// Poll it from a task of the same executor, from another executor, or by hand: a join handle
    /// is a plain future. Like any future, it must not be polled again once it returned `Ready`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        todo!("9.3: take the output, or leave the latest waker — see the chapter, Exercise 9.3")
    }
    // ANCHOR_END: join_poll
}

// ANCHOR: sleep
/// A future that completes at its deadline, made by [`Executor::sleep`]. It must be polled by a
/// task of its executor, whose [`run`](Executor::run) wakes it when the deadline has passed.
pub struct Sleep {
    executor: Arc<Shared>,
    deadline: Instant,
    /// The id of this sleep's entry in the executor's `timers`, once it has one.
    timer: Option<u64>,
}
// ANCHOR_END: sleep

impl Future for Sleep {
    type Output = ();

    // ANCHOR: sleep_poll
    /// `Ready(())` once the deadline has passed. Otherwise `Pending`, after making sure the
    /// executor's timers hold an entry for this sleep, `(deadline, id)`, with the waker of this
    /// poll (in place of any earlier one): one entry per sleep, however often it is polled. It
    /// never wakes itself: only the executor's [`run`](Executor::run) does, at the deadline.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!("9.4: Ready at the deadline, else register a timer — see the chapter, Exercise 9.4")
    }
    // ANCHOR_END: sleep_poll
}

impl Drop for Sleep {
    /// A sleep dropped before its deadline (cancelled by a `select`, say) takes its timer along.
    fn drop(&mut self) {
        if let Some(id) = self.timer {
            lock(&self.executor.state)
                .timers
                .remove(&(self.deadline, id));
        }
    }
}

// ANCHOR: yield_now
/// A future that returns `Pending` once, after waking its own task, and then `Ready`: it lets
/// the executor run the other ready tasks before this one goes on.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // "Poll me again": the task goes to the back of the ready queue.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: yield_now
