//! The calling thread's share of the machine, for tests that must tell a thread that sleeps from
//! one that spins without trusting the wall clock: the CPU time it has used, the core it runs on,
//! and pinning it to one core. Linux gives all three; elsewhere [`current_core`] says 0 and
//! [`pin_to_core`] does nothing.

use std::time::Duration;

/// The CPU time the calling thread has used so far, user and system time together
/// (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`): sleeping, blocking, and waiting for a core do not
/// count.
pub fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call; the clock id is a
    // constant every Unix Rust supports has.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(
        status,
        0,
        "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: {}",
        std::io::Error::last_os_error()
    );
    Duration::new(
        u64::try_from(now.tv_sec).expect("a CPU clock is never negative"),
        u32::try_from(now.tv_nsec).expect("nanoseconds are below one second"),
    )
}

/// The core the calling thread runs on now (Linux), or 0.
pub fn current_core() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getcpu has no preconditions; it returns -1 on failure.
        let core = unsafe { libc::sched_getcpu() };
        usize::try_from(core).unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Pins the calling thread to `core` (Linux; elsewhere, or when the core is not one this process
/// may use, it does nothing). Two threads pinned to one core share it fairly, whatever else the
/// machine does.
pub fn pin_to_core(core: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: `set` is a valid cpu_set_t, initialised by CPU_ZERO before use; pid 0 is the
    // calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(core, &mut set);
        let _ = libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = core;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spinning_thread_uses_cpu_time_and_a_sleeping_one_does_not() {
        let start = thread_cpu_time();
        std::thread::sleep(Duration::from_millis(50));
        let slept = thread_cpu_time() - start;
        let start = thread_cpu_time();
        while thread_cpu_time() - start < Duration::from_millis(20) {
            std::hint::spin_loop();
        }
        let spun = thread_cpu_time() - start;
        assert!(spun >= Duration::from_millis(20), "spun for {spun:?}");
        assert!(
            slept < Duration::from_millis(20),
            "a 50 ms sleep used {slept:?} of CPU"
        );
    }

    #[test]
    fn a_pinned_thread_runs_on_its_core() {
        let core = current_core();
        std::thread::spawn(move || {
            pin_to_core(core);
            if cfg!(target_os = "linux") {
                assert_eq!(current_core(), core, "pinned to core {core}");
            }
        })
        .join()
        .unwrap();
    }
}
