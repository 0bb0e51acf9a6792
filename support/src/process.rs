//! Checks on child processes, for the labs that start them: which still exist, and cleaning up
//! after code under test that left one behind. Unix only.

/// Whether process `pid` no longer exists: it has exited *and* its parent has reaped it. A
/// zombie (exited, not yet waited for) still exists.
pub fn is_gone(pid: u32) -> bool {
    let pid = libc::pid_t::try_from(pid).expect("a process id fits in pid_t");
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    // EPERM means it exists but belongs to someone else: not gone.
    !found && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Kills and reaps our child process `pid`, which the code under test left behind.
pub fn clean_up(pid: u32) {
    let pid = libc::pid_t::try_from(pid).expect("a process id fits in pid_t");
    // SAFETY: plain system calls on a process id; a wrong id only makes them fail.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
}

/// Fails the test, after cleaning up, if any process of `pids` still exists (running, or a
/// zombie nobody reaped). `what` says what should have ended them.
pub fn assert_all_gone(pids: &[u32], what: &str) {
    let left: Vec<u32> = pids.iter().copied().filter(|&pid| !is_gone(pid)).collect();
    for &pid in &left {
        clean_up(pid);
    }
    assert!(
        left.is_empty(),
        "{what}, yet processes {left:?} still existed (still running, or zombies that nobody \
         waited for): a child must be killed if needed and always reaped with wait()"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_reaped_child_is_gone_and_a_zombie_is_not() {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Until it is waited for, it exists (running or a zombie).
        assert!(!is_gone(pid));
        child.wait().unwrap();
        assert!(is_gone(pid));
    }

    #[test]
    // The child is reaped by `clean_up`, through its pid, which is what the test is about.
    #[allow(clippy::zombie_processes)]
    fn clean_up_kills_and_reaps() {
        let child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        clean_up(pid);
        assert!(is_gone(pid));
    }
}
