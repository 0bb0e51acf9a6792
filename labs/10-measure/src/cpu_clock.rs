//! The clocks of Exercise 10.3 (given, not an exercise): how much CPU time a thread or a process
//! has used, and how long a thread has waited for a core.
//!
//! [`std::time::Instant`] measures *wall* time, the time that passes for everyone. These clocks
//! measure what one thread or process got of the machine. They read the operating system's own
//! accounts: `clock_gettime` with a CPU-time clock (POSIX), and `/proc/thread-self/schedstat`
//! (Linux). Reading each costs well under a microsecond.

use std::time::Duration;

// ANCHOR: clocks
/// The CPU time the calling thread has used since it started, user and system time together:
/// the time it actually ran on a core. Sleeping, blocking on I/O or a lock, and waiting for a core
/// while other threads run do not count.
pub fn thread_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// The CPU time the whole process has used since it started: the sum over all its threads, so
/// it grows faster than wall time while several threads run at once.
pub fn process_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// How long the calling thread has waited, in total since it started, while it was ready to run
/// but had no core: the scheduler ran other threads, or the thread's cgroup had used up its CPU
/// quota. Linux keeps this account in the second field of `/proc/thread-self/schedstat`.
///
/// Returns `None` where that file cannot be read (not Linux, or a kernel built without
/// scheduler statistics).
pub fn run_queue_wait() -> Option<Duration> {
    let stats = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let waited_ns: u64 = stats.split_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(waited_ns))
}
// ANCHOR_END: clocks

/// Reads one of the POSIX CPU-time clocks.
fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable `timespec` for the duration of the call, and both clocks
    // passed in by this module exist on every POSIX system Rust supports.
    let result = unsafe { libc::clock_gettime(clock, &mut now) };
    assert_eq!(
        result,
        0,
        "clock_gettime failed: {}",
        std::io::Error::last_os_error()
    );
    Duration::new(
        u64::try_from(now.tv_sec).expect("a CPU clock is never negative"),
        u32::try_from(now.tv_nsec).expect("nanoseconds are below one second"),
    )
}
