//! The work a pool worker does (given code: you do not need to change this file).
//!
//! [`Task`] and [`Reply`] are the messages that travel over the worker's pipes, encoded as JSON
//! inside the frames of Exercise 6.4. [`Task::SumOfSquares`] is the real, CPU-bound work. The
//! other tasks exist so that the tests can make a worker misbehave on purpose, or prove how the
//! pool runs its tasks.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::process;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long a [`Task::Gate`] waits for its gate to open before it gives up. Correct code never
/// waits for it (every gate opens as soon as its rule allows); it lets a pool that runs the gate
/// tasks wrongly finish, so that the test can say what went wrong.
pub const GATE_PATIENCE: Duration = Duration::from_secs(5);

// ANCHOR: task
/// One task for a worker process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    /// CPU-bound work: the sum of `i * i` for every `i` in `0..n` (see [`sum_of_squares`]).
    SumOfSquares(u64),
    /// Reports the worker's process id.
    Pid,
    /// Simulates a fatal bug: the worker aborts (on Unix it dies of `SIGABRT`) and never replies.
    Abort,
    /// Connects to a gatekeeper on `127.0.0.1:port`, sends `tag`, and waits until the gatekeeper
    /// opens the gate (sends one byte) or [`GATE_PATIENCE`] runs out. The tests use this to hold
    /// tasks in flight and release them in an order of their choosing.
    Gate { port: u16, tag: u64 },
}

/// A worker's answer to one [`Task`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The answer to [`Task::SumOfSquares`].
    Sum(u64),
    /// The answer to [`Task::Pid`].
    Pid(u32),
    /// The answer to [`Task::Gate`]: which gate, which worker, and whether the gate opened
    /// (`false` if the worker gave up waiting).
    Gate { tag: u64, pid: u32, opened: bool },
}
// ANCHOR_END: task

// ANCHOR: sum_of_squares
/// The sum of `i * i` for `i` in `0..n`, wrapping on overflow.
///
/// Every `i` passes through [`black_box`]: without it the optimiser recognises the loop and
/// replaces it with the closed formula `(n - 1) n (2n - 1) / 6`, and there would be nothing
/// left to measure.
pub fn sum_of_squares(n: u64) -> u64 {
    (0..n)
        .map(|i| {
            let i = black_box(i);
            i.wrapping_mul(i)
        })
        .fold(0, u64::wrapping_add)
}
// ANCHOR_END: sum_of_squares

/// Does one task and returns its reply. Meant to run inside a worker process.
///
/// # Aborts
///
/// On [`Task::Abort`] this ends the whole process at once, without unwinding.
pub fn run(task: Task) -> Reply {
    match task {
        Task::SumOfSquares(n) => Reply::Sum(sum_of_squares(n)),
        Task::Pid => Reply::Pid(process::id()),
        Task::Abort => process::abort(),
        Task::Gate { port, tag } => Reply::Gate {
            tag,
            pid: process::id(),
            opened: pass_gate(port, tag),
        },
    }
}

/// Waits at the gatekeeper on `port` until it opens the gate; `false` if it never did.
fn pass_gate(port: u16, tag: u64) -> bool {
    let wait = || -> std::io::Result<()> {
        let mut gate = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        gate.write_all(&tag.to_be_bytes())?;
        gate.set_read_timeout(Some(GATE_PATIENCE))?;
        let mut open = [0_u8; 1];
        gate.read_exact(&mut open)
    };
    wait().is_ok()
}
