//! Helpers shared by the graded tests. This folder is not a test target of its own.
//!
//! Every wait here is bounded. A limit never decides whether correct code passes (correct code is
//! done long before it); it only turns a hang into a failure with a message that says what was
//! expected. No test leaves a process behind: whatever the code under test fails to reap, the
//! test kills and reaps itself before it fails.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// How long a test waits for something that correct code does at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The lab's `child` program (`src/bin/child.rs`), with `args`.
pub fn child(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_child"));
    command.args(args);
    command
}

/// The lab's `worker` program (`src/bin/worker.rs`).
pub fn worker_program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_worker"))
}

/// Runs `work` on a helper thread and returns its result, or fails the test if it has not
/// finished within `limit`, saying that `what` hung.
pub fn finishes<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(work());
    });
    match result.recv_timeout(limit) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: it is stuck (see the chapter's hints)")
        }
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked (its message is above)"),
    }
}

/// Whether process `pid` no longer exists: it has exited *and* its parent has reaped it. A
/// zombie (exited, not yet waited for) still exists.
#[cfg(unix)]
pub fn is_gone(pid: u32) -> bool {
    let pid = libc::pid_t::try_from(pid).expect("a process id fits in pid_t");
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    !found && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Outside Unix the tests cannot look a process up by id, and trust the code under test.
#[cfg(not(unix))]
pub fn is_gone(_pid: u32) -> bool {
    true
}

/// Kills and reaps our child process `pid`, which the code under test left behind.
#[cfg(unix)]
pub fn clean_up(pid: u32) {
    let pid = libc::pid_t::try_from(pid).expect("a process id fits in pid_t");
    // SAFETY: plain system calls on a process id; a wrong id only makes them fail.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
}

#[cfg(not(unix))]
pub fn clean_up(_pid: u32) {}

/// Fails the test, after cleaning up, if any process of `pids` still exists (running, or a
/// zombie nobody reaped).
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

/// A child process that the *test* owns: killed and reaped when dropped.
pub struct TestChild(pub Child);

impl Drop for TestChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `len` bytes of a repeating, not too regular pattern.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// The gatekeeper that `Task::Gate` tasks wait at: a loopback server that holds every task that
/// connects until a rule says to let it go. It proves which tasks were in flight at the same time,
/// and decides the order in which they finish.
pub struct Gatekeeper {
    pub port: u16,
}

impl Gatekeeper {
    /// Opens every gate once `parties` different gates have been reached: only tasks that are
    /// all running at the same time get through.
    pub fn all_at_once(parties: usize) -> Gatekeeper {
        Gatekeeper::start(move |arrived| {
            if arrived.len() >= parties {
                arrived.iter().copied().collect()
            } else {
                Vec::new()
            }
        })
    }

    /// Opens every gate as soon as it is reached, except gate `held`, which opens only once
    /// every gate of `0..total` has been reached.
    pub fn hold_back(held: u64, total: u64) -> Gatekeeper {
        Gatekeeper::start(move |arrived| {
            let everyone = (0..total).all(|tag| arrived.contains(&tag));
            arrived
                .iter()
                .copied()
                .filter(|&tag| tag != held || everyone)
                .collect()
        })
    }

    /// Serves on a new port. After each arrival, `rule` gets the set of every tag that has
    /// arrived so far and names the tags to let go (tags already let go are ignored).
    fn start(mut rule: impl FnMut(&BTreeSet<u64>) -> Vec<u64> + Send + 'static) -> Gatekeeper {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
        let port = listener.local_addr().expect("a bound port").port();
        thread::spawn(move || {
            let mut arrived = BTreeSet::new();
            let mut waiting: BTreeMap<u64, TcpStream> = BTreeMap::new();
            // This thread ends with the test process; a gate nobody opens times out in the worker.
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(tag) = read_tag(&mut stream) else {
                    continue;
                };
                arrived.insert(tag);
                waiting.insert(tag, stream);
                for tag in rule(&arrived) {
                    if let Some(mut gate) = waiting.remove(&tag) {
                        let _ = gate.write_all(&[1]);
                    }
                }
            }
        });
        Gatekeeper { port }
    }
}

fn read_tag(stream: &mut TcpStream) -> Option<u64> {
    stream.set_read_timeout(Some(PATIENCE)).ok()?;
    let mut tag = [0_u8; 8];
    stream.read_exact(&mut tag).ok()?;
    Some(u64::from_be_bytes(tag))
}
