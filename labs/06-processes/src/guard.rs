//! Exercise 6.3: a child process with a deadline, that is never left behind.

use std::io;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus};
use std::thread;
use std::time::Duration;

// ANCHOR: guard
/// Owns a running child process, and kills and reaps it when dropped.
///
/// A plain [`std::process::Child`] does neither: dropping it leaves the process running, and a
/// process that has ended stays in the process table as a *zombie* until its parent *reaps* it
/// by waiting for it. Wrapping every child in a `ChildGuard` makes sure that whatever happens
/// (an early return, an error, a panic) the child is gone when the guard is.
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
}
// ANCHOR_END: guard

impl ChildGuard {
    /// Spawns `command` and guards the child.
    pub fn spawn(command: &mut Command) -> io::Result<ChildGuard> {
        command.spawn().map(|child| ChildGuard { child })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Takes the parent's end of the child's stdin, if it was spawned with [`Stdio::piped`]
    /// (see [`std::process::Stdio`]) and has not been taken yet.
    ///
    /// [`Stdio::piped`]: std::process::Stdio::piped
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    /// Takes the parent's end of the child's stdout (see [`take_stdin`](Self::take_stdin)).
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Waits for the child to exit by itself, however long that takes, and reaps it.
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        self.child.wait()
    }

    // ANCHOR: deadline
    /// Waits at most `limit` for the child to exit by itself.
    ///
    /// Returns `Ok(Some(status))` as soon as it has exited (it is then reaped), however long
    /// `limit` is. If it is still running when `limit` is up, kills it, reaps it, and returns
    /// `Ok(None)`: either way the process is gone when this returns. Returns without delay if the
    /// child had already exited. Waiting checks the child every few milliseconds with
    /// [`Child::try_wait`] and [`thread::sleep`]s in between, never past the deadline.
    pub fn wait_timeout(&mut self, limit: Duration) -> io::Result<Option<ExitStatus>> {
        todo!(
            "6.3: poll try_wait until the deadline, then kill and reap — see the chapter, Exercise 6.3"
        )
    }

    /// Kills the child if it is still running, reaps it, and returns its exit status.
    ///
    /// Calling it again, or on a child that has already exited or been reaped, is fine: it
    /// returns the same status.
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        todo!("6.3: kill, then wait — see the chapter, Exercise 6.3")
    }
    // ANCHOR_END: deadline
}

// ANCHOR: drop
impl Drop for ChildGuard {
    /// Kills and reaps the child (errors are ignored: there is nobody to report them to).
    fn drop(&mut self) {
        // A panic in `drop` while the thread is already unwinding from another panic aborts the
        // whole program, so the starter only panics with its todo!() when that cannot happen.
        // Replace this whole body with your own.
        if !thread::panicking() {
            todo!("6.3: kill and reap the child — see the chapter, Exercise 6.3")
        }
    }
}
// ANCHOR_END: drop
