//! Helpers that only this lab's tests need: the lab's two programs, a child the test owns, and
//! the gatekeeper that gate tasks wait at. The general ones (bounded waits, the check that a
//! process is gone) come from `lab_support`. No test leaves a process behind: whatever the code
//! under test fails to reap, the test kills and reaps itself before it fails.

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

use lab_support::PATIENCE;
use lab_support::process::is_gone;
use lab_support::within_patience;

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

/// How long [`while_stopped`] keeps the processes stopped.
pub const HOLD: Duration = Duration::from_secs(2);

/// Sends signal `name` (`STOP`, `CONT`) to process `pid` with the system's `kill` program (the
/// lab has no `unsafe`, so no `libc::kill`). A process that is gone cannot be signalled, and
/// that is no failure of the test's own.
pub fn signal(pid: u32, name: &'static str) {
    let sent = within_patience("the `kill` program", move || {
        Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
    });
    match sent {
        Ok(status) => assert!(
            status.success() || is_gone(pid),
            "`kill -s {name} {pid}` failed ({status}): the test could not signal the worker"
        ),
        Err(error) => panic!("could not run `kill -s {name} {pid}`: {error}"),
    }
}

/// What [`while_stopped`] saw.
pub enum Held<T> {
    /// `work` returned while the processes were still stopped.
    Early(T),
    /// `work` returned only once they could go on.
    After(T),
}

/// Stops the processes `pids` (`SIGSTOP`), runs `work` on a thread of its own, lets the
/// processes go on (`SIGCONT`) when `work` returns or after [`HOLD`], whichever comes first,
/// and waits (bounded) for `work`. `what` names `work` in the failure messages.
///
/// A healthy worker exits a moment after its stdin closes, so a shutdown that kills workers
/// instead of waiting for them often gets away with it. Stopped, a worker cannot exit by itself:
/// a shutdown that waits cannot return during the hold, and one that kills returns at once. The
/// hold only looks for something that must not happen: on a slow machine it could let a killing
/// shutdown through, but it can never fail one that waits.
pub fn while_stopped<T: Send + 'static>(
    pids: &[u32],
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Held<T> {
    for &pid in pids {
        signal(pid, "STOP");
    }
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        // The receiver is gone only if the test has already failed.
        let _ = done.send(work());
    });
    let early = result.recv_timeout(HOLD);
    for &pid in pids {
        signal(pid, "CONT");
    }
    match early {
        Ok(value) => Held::Early(value),
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked (see above)"),
        Err(RecvTimeoutError::Timeout) => match within_patience(what, move || result.recv()) {
            Ok(value) => Held::After(value),
            Err(_) => panic!("{what} panicked (see above)"),
        },
    }
}
