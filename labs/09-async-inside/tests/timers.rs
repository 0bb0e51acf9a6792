//! Exercise 9.4: `run`, `Sleep` and timers. These tests use the real clock, but only to check
//! that a sleep is never shorter than asked: every other check counts polls or CPU time.

mod common;

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{PollCounter, gate, lock, run_until_idle, within_patience};
use lab_async_inside::executor::{Executor, yield_now};
use lab_support::cpu::{current_core, pin_to_core, thread_cpu_time};

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn run_returns_once_every_task_has_finished() {
    let executor = Executor::new();
    let handles: Vec<_> = (0..3)
        .map(|i| {
            executor.spawn(async move {
                yield_now().await;
                i * 10
            })
        })
        .collect();

    within_patience("run", {
        let executor = executor.clone();
        move || executor.run()
    });

    let outputs: Vec<_> = handles.into_iter().map(|mut h| h.try_take()).collect();
    assert_eq!(outputs, vec![Some(0), Some(10), Some(20)]);
}

#[test]
fn a_sleep_lasts_at_least_its_duration() {
    let executor = Executor::new();
    let sleeper = executor.clone();

    let slept = within_patience("block_on of a 50 ms sleep", move || {
        executor.block_on(async move {
            let start = Instant::now();
            sleeper.sleep(ms(50)).await;
            start.elapsed()
        })
    });

    assert!(
        slept >= ms(50),
        "a 50 ms sleep ended after {slept:?}: too early"
    );
}

#[test]
fn sleeps_due_at_the_same_time_end_in_deadline_order() {
    let executor = Executor::new();
    let ended = Arc::new(Mutex::new(Vec::new()));
    for millis in [30, 10, 20] {
        let sleeper = executor.clone();
        let ended = Arc::clone(&ended);
        executor.spawn(async move {
            sleeper.sleep(ms(millis)).await;
            lock(&ended).push(millis);
        });
    }
    run_until_idle(&executor); // each task is now waiting on its timer
    thread::sleep(ms(40)); // all three deadlines pass while the executor is not running

    within_patience("run", {
        let executor = executor.clone();
        move || executor.run()
    });

    assert_eq!(
        *lock(&ended),
        vec![10, 20, 30],
        "when several timers are due, the earliest deadline must be woken first"
    );
}

// ANCHOR: polled_twice
#[test]
fn a_sleeping_task_is_not_polled_until_its_deadline() {
    let executor = Executor::new();
    let sleeper = executor.clone();
    let (sleep, polls) = PollCounter::new(async move { sleeper.sleep(ms(60)).await });

    within_patience("block_on of a 60 ms sleep", move || {
        executor.block_on(sleep)
    });

    let polls = polls.load(Ordering::SeqCst);
    assert!(
        polls <= 3,
        "a 60 ms sleep was polled {polls} times: it should be polled once to register its \
         timer and once more when the executor wakes it at the deadline"
    );
}
// ANCHOR_END: polled_twice

// ANCHOR: no_spin
#[test]
fn an_idle_executor_sleeps_instead_of_spinning() {
    // The executor's only task waits for a gate, with a 60 s timer pending. Meanwhile a
    // reference thread spins until it has used 40 ms of CPU, then opens the gate. Both threads
    // are pinned to the same core, so a spinning executor would get about as much CPU as the
    // reference, however loaded the machine; one that parks gets almost none.
    let core = current_core();
    let executor = Executor::new();
    let timers = executor.clone();
    let (gate, key) = gate();
    let reference = thread::spawn({
        let key = key.clone();
        move || {
            pin_to_core(core);
            key.wait_for_polls(1, common::PATIENCE);
            let start = thread_cpu_time();
            while thread_cpu_time() - start < ms(40) {
                std::hint::spin_loop();
            }
            key.open();
            thread_cpu_time() - start
        }
    });

    let executor_cpu = within_patience("run, while a task waits with a timer pending", move || {
        pin_to_core(core);
        let before = thread_cpu_time();
        executor.block_on(async move {
            let mut sleep = timers.sleep(Duration::from_secs(60));
            let mut gate = gate;
            // Waits for the gate, with the sleep's timer registered all along.
            poll_fn(move |cx| {
                let _ = Pin::new(&mut sleep).poll(cx);
                Pin::new(&mut gate).poll(cx)
            })
            .await
        });
        thread_cpu_time() - before
    });

    let reference_cpu = reference.join().expect("the reference thread");
    assert!(
        executor_cpu * 4 < reference_cpu,
        "while its only task waited, the executor's thread used {executor_cpu:?} of CPU, against \
         {reference_cpu:?} for a thread that spins on the same core: it must park until the next \
         deadline or a wake, not loop"
    );
}
// ANCHOR_END: no_spin

#[test]
fn sleeps_that_share_a_deadline_all_end() {
    // Three sleeps until one deadline, far enough ahead that all three have registered their
    // timers before it passes; a machine too slow for that gets a later deadline.
    let mut ahead = [20, 200, 2000].map(ms).into_iter().peekable();
    while let Some(wait) = ahead.next() {
        let executor = Executor::new();
        let deadline = Instant::now() + wait;
        let ended = Arc::new(Mutex::new(Vec::new()));
        for id in 0..3 {
            let sleeper = executor.clone();
            let ended = Arc::clone(&ended);
            executor.spawn(async move {
                sleeper.sleep_until(deadline).await;
                lock(&ended).push(id);
            });
        }
        run_until_idle(&executor);
        if Instant::now() >= deadline && ahead.peek().is_some() {
            continue; // the deadline passed before every sleep was polled: try a later one
        }

        within_patience("run, with three sleeps until the same deadline", {
            let executor = executor.clone();
            move || executor.run()
        });

        let mut ended = lock(&ended).clone();
        ended.sort_unstable();
        assert_eq!(
            ended,
            vec![0, 1, 2],
            "three sleeps with the same deadline each need a timer of their own"
        );
        return;
    }
}

#[test]
fn a_wake_from_another_thread_wakes_run() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let opener = thread::spawn({
        let key = key.clone();
        move || {
            key.wait_for_polls(1, common::PATIENCE);
            key.open();
        }
    });

    let output = within_patience(
        "run, with a task that another thread wakes (no timers)",
        move || {
            executor.block_on(async move {
                gate.await;
                "opened"
            })
        },
    );

    opener.join().expect("the opener thread");
    assert_eq!(output, "opened");
}

#[test]
fn a_task_spawned_from_another_thread_while_run_waits_is_run() {
    let executor = Executor::new();
    let (gate, key) = gate();
    let spawner = executor.clone();
    let runner = Arc::new(Mutex::new(None));
    let helper = thread::spawn({
        let runner = Arc::clone(&runner);
        move || {
            key.wait_for_polls(1, common::PATIENCE);
            // Spawn only once `run` has nothing left to do: its thread is asleep (parked), or
            // gone because `run` returned. A spawn any earlier could slip in before `run` looks
            // at its ready queue for the last time, and a `run` that returns too soon would pass.
            let tid = lock(&runner).expect("the executor's thread said who it is");
            common::wait_until_asleep_or_gone(tid);
            spawner.spawn(async move { key.open() });
        }
    });

    within_patience(
        "run, until a task spawned from another thread opens the gate",
        move || {
            *lock(&runner) = Some(common::current_thread_id());
            executor.block_on(gate)
        },
    );

    helper.join().expect("the spawning thread");
}
