//! Exercise 10.3: `Usage::busy_fraction`, `classify` and `measure`.
//!
//! The first tests give `classify` made-up usages. The last ones measure real tasks, a sleeping
//! one and a spinning one, on purpose on a busy core: another thread spins beside the sleeper,
//! and two threads share the spinner's core with it. None of them depends on how long anything
//! takes: a task that sleeps uses almost no CPU however busy the machine is, and a task that spins
//! is either running or waiting for a core, which `waiting_for_cpu` accounts for.

mod common;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::{Competitors, assert_close, spin_for_cpu};
use lab_measure::classify::{Bound, Usage, classify, measure};
use lab_measure::cpu_clock::run_queue_wait;
use lab_support::within_patience;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn usage(wall: u64, cpu: u64, waiting_for_cpu: u64) -> Usage {
    Usage {
        wall: ms(wall),
        cpu: ms(cpu),
        waiting_for_cpu: ms(waiting_for_cpu),
    }
}

#[test]
fn busy_fraction_is_cpu_time_over_the_time_not_spent_waiting_for_a_core() {
    for (u, expected, why) in [
        (usage(100, 100, 0), 1.0, "ran the whole time"),
        (usage(100, 0, 0), 0.0, "never ran"),
        (
            usage(100, 30, 40),
            0.5,
            "30 ms on a core out of the 60 ms it was not waiting for one",
        ),
        (
            usage(300, 90, 200),
            0.9,
            "90 ms on a core out of the 100 ms it was not waiting for one",
        ),
        (
            usage(50, 30, 25),
            1.0,
            "the wall time less the wait (25 ms) is below the CPU time (30 ms), so the own time is 30 ms",
        ),
        (usage(0, 0, 0), 0.0, "took no time at all"),
        (
            usage(10, 0, 20),
            0.0,
            "waited longer than the wall time (the clocks are read a moment apart) and never ran",
        ),
    ] {
        assert_close(
            u.busy_fraction(),
            expected,
            1e-12,
            &format!("busy_fraction of {u:?}: {why}"),
        );
    }
}

#[test]
fn classify_compares_cpu_time_with_the_tasks_own_time_not_with_wall_time_alone() {
    for (u, expected, why) in [
        (
            usage(300, 90, 200),
            Bound::Cpu,
            "a computation on a loaded core: 90 ms of CPU in 300 ms, but 200 ms of those it \
             waited for the core; it ran 90% of its own time",
        ),
        (
            usage(300, 1, 5),
            Bound::Waiting,
            "a sleep: 1 ms of CPU in 300 ms",
        ),
        (
            usage(2, 2, 0),
            Bound::Cpu,
            "a short computation: it ran all of its 2 ms",
        ),
        (
            usage(5_000, 10, 0),
            Bound::Waiting,
            "a long wait: 10 ms of CPU in 5 s",
        ),
        (
            usage(5_000, 4_900, 0),
            Bound::Cpu,
            "a long computation: 4.9 s of CPU in 5 s",
        ),
        (
            usage(2, 0, 0),
            Bound::Waiting,
            "a short wait: no CPU in 2 ms",
        ),
        (
            usage(100, 50, 0),
            Bound::Cpu,
            "busy exactly half of its own time: CPU_BOUND_FROM is 0.5, and 'at least' includes it",
        ),
        (
            usage(100, 49, 0),
            Bound::Waiting,
            "busy 49% of its own time",
        ),
    ] {
        assert_eq!(classify(&u), expected, "{u:?}: {why}");
    }
}

#[test]
fn measure_returns_the_tasks_result_and_its_wall_time() {
    let (answer, usage) = within_patience("measure of a 20 ms sleep", || {
        measure(|| {
            thread::sleep(ms(20));
            42
        })
    });
    assert_eq!(answer, 42, "measure returns what the task returned");
    assert!(
        usage.wall >= ms(20),
        "a task that sleeps 20 ms takes at least 20 ms of wall time, but measure reported {:?}",
        usage.wall
    );
}

#[test]
fn a_sleeping_task_waits() {
    let (_, usage) = within_patience("measure of a 50 ms sleep", || {
        measure(|| thread::sleep(ms(50)))
    });
    assert!(
        usage.wall >= ms(50),
        "a task that sleeps 50 ms takes at least 50 ms of wall time, but measure reported {:?}",
        usage.wall
    );
    assert_eq!(
        classify(&usage),
        Bound::Waiting,
        "a task that sleeps 50 ms waits: {usage:?}"
    );
}

#[test]
fn a_task_waiting_for_another_thread_waits_while_that_thread_computes() {
    // The task waits for a worker thread of the same process, which computes for 30 ms of its
    // own CPU time before it answers: the process uses at least 30 ms of CPU during the task,
    // but the task's own thread almost none, however busy the machine is.
    let (start_tx, start_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let worker = thread::spawn(move || {
        if start_rx.recv().is_ok() {
            spin_for_cpu(ms(30));
            let _ = done_tx.send(());
        }
    });
    let (answered, usage) = within_patience(
        "measure of a task that waits for a thread computing 30 ms of CPU time",
        move || {
            measure(move || {
                start_tx.send(()).expect("the worker is waiting");
                done_rx.recv().is_ok()
            })
        },
    );
    within_patience("the worker thread to end", move || worker.join())
        .expect("the worker thread panicked");
    assert!(answered, "the worker answered the task");
    assert!(
        usage.cpu < ms(10),
        "the task only waited, so its own thread used almost no CPU time, but measure reported \
         {:?} of CPU in {:?}: is it reading the CPU time of the whole process, which includes the \
         30 ms the worker computed?",
        usage.cpu,
        usage.wall
    );
    assert_eq!(
        classify(&usage),
        Bound::Waiting,
        "a task that waits for another thread waits: {usage:?}"
    );
}

#[test]
fn a_spinning_task_computes_even_when_two_other_threads_share_its_core() {
    assert!(
        run_queue_wait().is_some(),
        "this test needs Linux's /proc/thread-self/schedstat, which this system does not provide"
    );
    // The task, and two threads that compute the whole time, all pinned to one core: the task
    // gets about a third of the core, and spends the rest of the time waiting for it.
    let usage = within_patience("a task that computes for 30 ms of CPU time", || {
        Competitors::on_one_core(2, || measure(|| spin_for_cpu(ms(30))).1)
    });
    assert!(
        usage.cpu >= ms(30),
        "the task computed for 30 ms of its own CPU time, but measure reported {:?}",
        usage.cpu
    );
    assert!(
        usage.waiting_for_cpu > Duration::ZERO,
        "the task shared its core with two other threads, so it waited for the core, but \
         measure reported waiting_for_cpu = 0: read run_queue_wait() before and after the task"
    );
    assert_eq!(
        classify(&usage),
        Bound::Cpu,
        "a task that computes is CPU-bound, even when it gets only a third of a core: \
         {usage:?} (busy fraction {:.2})",
        usage.busy_fraction()
    );
}
