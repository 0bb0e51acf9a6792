//! Exercise 10.6: `decide`, on the scenarios of the Python sources and where Rust's answer
//! differs from theirs.

use std::time::Duration;

use lab_measure::classify::Bound;
use lab_measure::decide::{MANY_WAITS, Recommendation, Workload, decide};

fn cpu(tasks: usize, per_task: Duration) -> Workload {
    Workload {
        bound: Bound::Cpu,
        tasks,
        per_task,
        needs_isolation: false,
        shared_state: false,
    }
}

fn waits(tasks: usize, per_task: Duration) -> Workload {
    Workload {
        bound: Bound::Waiting,
        ..cpu(tasks, per_task)
    }
}

#[track_caller]
fn check(work: Workload, expected: Recommendation, why: &str) {
    let advice = decide(&work);
    assert_eq!(advice.recommendation, expected, "{work:?}: {why}");
    assert!(
        !advice.reason.trim().is_empty(),
        "{work:?}: the advice must come with a reason"
    );
}

#[test]
fn cpu_bound_work_goes_to_rayon_where_python_would_use_processes() {
    check(
        cpu(4, Duration::from_micros(2_500)),
        Recommendation::Rayon,
        "the sources' CPU benchmark (4 sums of 5 000 000 squares, about 2.5 ms each in Rust): \
         Python needs processes to get past its global lock; Rust threads compute in parallel",
    );
    check(
        cpu(3, Duration::from_secs(2)),
        Recommendation::Rayon,
        "three long computations (the sources' 10, 20 and 30 million squares)",
    );
    check(
        Workload {
            shared_state: true,
            ..cpu(10_000, Duration::from_micros(100))
        },
        Recommendation::Rayon,
        "CPU-bound tasks that share state: separate processes would have to send it back and \
         forth; threads share memory, and Rust checks the sharing",
    );
}

#[test]
fn a_few_waits_go_to_a_thread_pool() {
    check(
        waits(5, Duration::from_secs(1)),
        Recommendation::ThreadPool,
        "the sources' I/O benchmark: 5 requests that each wait 1 s",
    );
    check(
        waits(3, Duration::from_secs(2)),
        Recommendation::ThreadPool,
        "the sources' three downloads of 2 s each",
    );
    check(
        waits(25, Duration::from_secs(2)),
        Recommendation::ThreadPool,
        "the sources' album download: a few dozen images",
    );
    check(
        waits(MANY_WAITS - 1, Duration::from_millis(100)),
        Recommendation::ThreadPool,
        "one wait fewer than MANY_WAITS",
    );
}

#[test]
fn many_waits_go_to_async() {
    check(
        waits(MANY_WAITS, Duration::from_millis(100)),
        Recommendation::Async,
        "exactly MANY_WAITS waits: 'at least MANY_WAITS' includes it",
    );
    check(
        waits(10_000, Duration::from_millis(50)),
        Recommendation::Async,
        "ten thousand connections that each wait",
    );
}

#[test]
fn isolation_comes_before_everything_else() {
    for (work, what) in [
        (cpu(4, Duration::from_secs(1)), "CPU-bound tasks"),
        (waits(10_000, Duration::from_millis(50)), "many waits"),
        (waits(5, Duration::from_secs(1)), "a few waits"),
        (cpu(1, Duration::from_secs(1)), "a single task"),
        (cpu(100, Duration::from_nanos(100)), "tiny tasks"),
    ] {
        check(
            Workload {
                needs_isolation: true,
                ..work
            },
            Recommendation::Processes,
            &format!(
                "{what} that need isolation (a crash must not take the rest down, or each task is another program)"
            ),
        );
    }
}

#[test]
fn a_single_task_or_tiny_work_stays_on_one_thread() {
    check(
        cpu(1, Duration::from_secs(10)),
        Recommendation::OneThread,
        "one long computation: there is nothing to run beside it",
    );
    check(
        waits(1, Duration::from_secs(10)),
        Recommendation::OneThread,
        "one long wait",
    );
    check(
        cpu(0, Duration::from_secs(1)),
        Recommendation::OneThread,
        "no tasks at all",
    );
    check(
        cpu(1_000, Duration::from_nanos(100)),
        Recommendation::OneThread,
        "a thousand tasks of 100 ns: 0.1 ms in all, less than handing them to other threads costs",
    );
    check(
        cpu(1_000, Duration::from_micros(1)),
        Recommendation::Rayon,
        "a thousand tasks of 1 µs: exactly TINY_TOTAL (1 ms) in all, which is not less than it",
    );
}
