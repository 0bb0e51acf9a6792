//! Exercise 6.3: `ChildGuard::wait_timeout`, `ChildGuard::kill` and dropping a guard.

mod common;

use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::child;
use lab_processes::guard::ChildGuard;
use lab_support::PATIENCE;
use lab_support::cpu::{current_core, pin_to_core, thread_cpu_time};
use lab_support::process::{assert_all_gone, is_gone};
use lab_support::within_patience;

/// A deadline that a hanging child always overstays (it never exits by itself).
const SHORT: Duration = Duration::from_millis(200);

/// A deadline no test waits for: `wait_timeout` must return as soon as the child has exited.
const AN_HOUR: Duration = Duration::from_secs(3600);

fn spawn(args: &[&str]) -> ChildGuard {
    ChildGuard::spawn(child(args).stderr(std::process::Stdio::null()))
        .expect("the lab's `child` program starts")
}

#[test]
fn wait_timeout_returns_the_status_of_a_child_that_exits_in_time() {
    let (failed, succeeded, slept) = within_patience(
        "wait_timeout(an hour) on children that exit soon (it must return when they do)",
        || {
            let mut failing = spawn(&["fail", "7", "seven"]);
            let mut ok = spawn(&["ok"]);
            let failed = failing.wait_timeout(AN_HOUR).expect("wait_timeout");
            let succeeded = ok.wait_timeout(AN_HOUR).expect("wait_timeout");
            // Still running when wait_timeout starts: it must wait for it, not give up.
            let mut sleeper = spawn(&["sleep", "300"]);
            let slept = sleeper.wait_timeout(AN_HOUR).expect("wait_timeout");
            (failed, succeeded, slept)
        },
    );
    let failed =
        failed.expect("`child fail 7` exits at once: wait_timeout must return Some(status)");
    assert_eq!(failed.code(), Some(7), "the status of `child fail 7`");
    let succeeded =
        succeeded.expect("`child ok` exits at once: wait_timeout must return Some(status)");
    assert!(succeeded.success(), "the status of `child ok`");
    let slept = slept.expect(
        "`child sleep 300` exits after 0.3 s, well within the hour: wait_timeout must wait for it \
         and return Some(status)",
    );
    assert!(slept.success(), "the status of `child sleep 300`");
}

#[test]
fn wait_timeout_sleeps_between_its_checks() {
    // The child runs until its stdin closes. While the test's thread waits for it, a reference
    // thread spins until it has used 40 ms of CPU, then closes the child's stdin. Both threads
    // are pinned to the same core, so a wait that loops without sleeping would get about as much
    // CPU as the reference, however loaded the machine; one that sleeps between its checks gets
    // almost none.
    let core = current_core();
    let mut cat = ChildGuard::spawn(
        child(&["cat"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("the lab's `child` program starts");
    let stdin = cat
        .take_stdin()
        .expect("`child cat` was spawned with a piped stdin");
    let (waiting, starts_waiting) = mpsc::channel();
    let reference = thread::spawn(move || {
        pin_to_core(core);
        starts_waiting
            .recv_timeout(PATIENCE)
            .expect("the test's thread says it starts waiting");
        let start = thread_cpu_time();
        while thread_cpu_time() - start < Duration::from_millis(40) {
            std::hint::spin_loop();
        }
        // Closing stdin ends `child cat`.
        drop(stdin);
        thread_cpu_time() - start
    });
    let (status, waiter_cpu) = within_patience(
        "wait_timeout(an hour) on a child that exits once a spinning thread has used 40 ms of CPU",
        move || {
            pin_to_core(core);
            waiting.send(()).expect("the reference thread is there");
            let before = thread_cpu_time();
            let status = cat.wait_timeout(AN_HOUR).expect("wait_timeout");
            (status, thread_cpu_time() - before)
        },
    );
    let reference_cpu = reference.join().expect("the reference thread");
    assert!(
        status.is_some_and(|status| status.success()),
        "`child cat` exits with status 0 when its stdin closes, well within the hour: got {status:?}"
    );
    assert!(
        waiter_cpu * 4 < reference_cpu,
        "while it waited, the thread in wait_timeout used {waiter_cpu:?} of CPU, against \
         {reference_cpu:?} for a thread that spins on the same core: it must sleep between its \
         checks of the child (every few milliseconds), not loop"
    );
}

#[test]
fn wait_timeout_kills_and_reaps_a_child_that_overstays() {
    let (pid, outcome) = within_patience(
        "wait_timeout(200 ms) on a child that hangs (it must kill it after 200 ms)",
        || {
            let mut hanging = spawn(&["hang"]);
            let pid = hanging.id();
            let outcome = hanging.wait_timeout(SHORT).expect("wait_timeout");
            // Keep the guard alive until the check below: it is wait_timeout's job, not drop's.
            (pid, (outcome, hanging))
        },
    );
    let (outcome, guard) = outcome;
    assert!(
        outcome.is_none(),
        "a child that never exits must time out (None), got {outcome:?}"
    );
    assert_all_gone(&[pid], "wait_timeout returned after the deadline");
    within_patience("dropping the ChildGuard", move || drop(guard));
}

#[test]
fn kill_stops_and_reaps_a_running_child_and_can_be_repeated() {
    let (pid, first, second) = within_patience("kill on a child that hangs", || {
        let mut hanging = spawn(&["hang"]);
        let pid = hanging.id();
        let first = hanging.kill().expect("kill a running child");
        let gone = is_gone(pid);
        let second = hanging
            .kill()
            .expect("kill again: a reaped child is not an error");
        // Keep the guard alive until the checks below: reaping is kill's job, not drop's.
        (pid, (first, gone), (second, hanging))
    });
    let (first, gone_after_first) = first;
    let (second, guard) = second;
    if !gone_after_first {
        assert_all_gone(&[pid], "kill returned");
    }
    assert!(
        !first.success(),
        "a killed child has not succeeded: {first}"
    );
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&first),
        Some(libc::SIGKILL),
        "kill ends the child with SIGKILL"
    );
    assert_eq!(first, second, "a second kill returns the same status");
    within_patience("dropping the ChildGuard", move || drop(guard));
}

#[test]
fn dropping_a_guard_kills_and_reaps_its_child() {
    let pid = within_patience("dropping a ChildGuard of a child that hangs", || {
        let hanging = spawn(&["hang"]);
        let pid = hanging.id();
        drop(hanging);
        pid
    });
    assert_all_gone(&[pid], "the ChildGuard was dropped");
}
