//! Exercise 9.3: spawn, run_until_idle, wakers that requeue tasks, and join handles.
//!
//! `run_until_idle` never blocks, so these tests step the executor by hand: spawn, run until
//! idle, look, wake something, run again.

mod common;

use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread;

use common::{
    DropCounter, PollCounter, StealWaker, counting_waker, gate, lock, poll_with, run_until_idle,
};
use lab_async_inside::executor::{Executor, yield_now};

#[test]
fn a_spawned_task_runs_only_when_the_executor_runs() {
    let executor = Executor::new();
    let ran = Arc::new(AtomicUsize::new(0));

    let mut handle = executor.spawn({
        let ran = Arc::clone(&ran);
        async move {
            ran.fetch_add(1, Ordering::SeqCst);
            "finished"
        }
    });
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "spawn must only queue the task: nothing runs before the executor does"
    );
    assert_eq!(executor.unfinished(), 1);

    run_until_idle(&executor);

    assert_eq!(ran.load(Ordering::SeqCst), 1, "the task ran once");
    assert_eq!(handle.try_take(), Some("finished"));
    assert_eq!(executor.unfinished(), 0);
}

#[test]
fn ready_tasks_run_first_in_first_out_including_tasks_they_spawn() {
    let executor = Executor::new();
    let order = Arc::new(Mutex::new(Vec::new()));
    for id in 0..3 {
        let order = Arc::clone(&order);
        let spawner = executor.clone();
        executor.spawn(async move {
            lock(&order).push(id);
            if id == 0 {
                // Spawned from inside a task: runs in this same call, after the others.
                let order = Arc::clone(&order);
                spawner.spawn(async move { lock(&order).push(3) });
            }
        });
    }

    run_until_idle(&executor);

    assert_eq!(
        *lock(&order),
        vec![0, 1, 2, 3],
        "tasks run in the order they became ready"
    );
}

// ANCHOR: woken_while_running
#[test]
fn a_task_that_wakes_itself_while_running_runs_again_in_the_same_call() {
    let executor = Executor::new();
    let (task, polls) = PollCounter::new(async {
        // Each `yield_now` wakes this very task while it is being polled, then returns Pending.
        for _ in 0..3 {
            yield_now().await;
        }
        "done"
    });
    let mut handle = executor.spawn(task);

    run_until_idle(&executor);

    assert_eq!(
        handle.try_take(),
        Some("done"),
        "the task woke itself while it was being polled, so it was ready again and must have \
         been polled again until done (it was polled {} times)",
        polls.load(Ordering::SeqCst)
    );
    assert_eq!(polls.load(Ordering::SeqCst), 4, "three yields, four polls");
}
// ANCHOR_END: woken_while_running

#[test]
fn a_task_woken_many_times_before_it_runs_is_polled_once() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let mut handle = executor.spawn(async move {
        gate.await;
        "through"
    });
    run_until_idle(&executor);
    assert_eq!(key.polls(), 1, "the task ran up to the gate");

    for _ in 0..5 {
        assert!(key.nudge(), "the gate holds the task's waker");
    }
    run_until_idle(&executor);
    assert_eq!(
        key.polls(),
        2,
        "five wakes before the task ran again must queue it once, and poll it once"
    );

    key.open();
    run_until_idle(&executor);
    assert_eq!(handle.try_take(), Some("through"));
}

#[test]
fn a_task_woken_from_another_thread_runs_on_the_next_call() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let mut handle = executor.spawn(async move {
        gate.await;
        7
    });
    run_until_idle(&executor);
    assert_eq!(handle.try_take(), None, "the task waits at the gate");

    thread::spawn(move || key.open())
        .join()
        .expect("the opener thread");
    run_until_idle(&executor);

    assert_eq!(
        handle.try_take(),
        Some(7),
        "a wake from another thread must put the task back in the ready queue"
    );
}

#[test]
fn a_finished_task_drops_its_future_at_once_and_is_never_polled_again() {
    let executor = Executor::new();
    let drops = DropCounter::new();
    let (steal, stolen) = StealWaker::new();
    let tracked = drops.track();
    executor.spawn(async move {
        let _tracked = tracked;
        steal.await; // leaves a clone of this task's waker with the test
    });

    run_until_idle(&executor);
    assert_eq!(
        drops.dropped(),
        1,
        "the task finished, so its future (and what it owns) must be dropped, even though a \
         waker of the task is still around"
    );

    let waker = lock(&stolen).take().expect("the task's waker");
    waker.wake(); // a late wake of a finished task
    run_until_idle(&executor);
    assert_eq!(executor.unfinished(), 0);
}

#[test]
fn a_task_can_await_the_join_handle_of_another() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let worker = executor.spawn(async move {
        gate.await;
        yield_now().await;
        41
    });
    let mut waiter = executor.spawn(async move { worker.await + 1 });
    run_until_idle(&executor);
    assert_eq!(waiter.try_take(), None, "the worker has not finished yet");

    key.open();
    run_until_idle(&executor);

    assert_eq!(
        waiter.try_take(),
        Some(42),
        "the worker's output reaches the task awaiting its handle, which must be woken for it"
    );
}

// ANCHOR: join_handle
#[test]
fn a_join_handle_wakes_the_waker_of_its_latest_poll() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let handle = executor.spawn(async move {
        gate.await;
        "output"
    });
    let mut handle = pin!(handle);
    let (first, first_wakes) = counting_waker();
    let (latest, latest_wakes) = counting_waker();

    assert_eq!(poll_with(handle.as_mut(), &first), Poll::Pending);
    assert_eq!(poll_with(handle.as_mut(), &latest), Poll::Pending);
    key.open();
    run_until_idle(&executor);

    assert_eq!(
        (first_wakes.wakes(), latest_wakes.wakes()),
        (0, 1),
        "when the task finishes, its handle's latest waker must be woken (once), not an earlier one"
    );
    assert_eq!(poll_with(handle.as_mut(), &latest), Poll::Ready("output"));
}
// ANCHOR_END: join_handle
