//! Running one test in its own process, with a time limit and a cap on what it may print.
//!
//! Every test runs as `<test binary> --exact <name> --test-threads=1 --logfile <file>` in a new
//! process group.
//! When its time is up the whole group is killed, so a test that hangs, deadlocks or leaves
//! children behind cannot hold up the run. A test counts as passed only when the process exits
//! successfully, libtest's summary says exactly one test ran and passed, *and* libtest wrote
//! `ok <name>` to the log file it was given: a test that prints a fake summary and exits early
//! scores nothing, and an `#[ignore]`d or filtered-out test ran nothing and does not pass.
//! Code inside the test process can still forge anything the harness does (it could find the
//! log file's path in its own command line): that is cheating in the source, not an accident,
//! and the limit is documented for instructors.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// How much of a test's stdout and stderr is kept (each: its start and its end); the rest is
/// read and dropped.
pub const OUTPUT_CAP: usize = 256 * 1024;

/// Why a test did not pass, or that it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// The test ran and failed; the reason is its panic message where there is one.
    Failed(String),
    TimedOut(Duration),
    /// Killed by a signal (an abort, a stack overflow, a segfault).
    Crashed(String),
    /// The process ended without libtest reporting that the test passed.
    Unreported(String),
}

impl Verdict {
    pub fn passed(&self) -> bool {
        *self == Verdict::Passed
    }

    /// One line for a report.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Passed => "passed".into(),
            Verdict::Failed(why) => format!("failed: {why}"),
            Verdict::TimedOut(limit) => format!("timed out after {} s", limit.as_secs()),
            Verdict::Crashed(how) => format!("crashed: {how}"),
            Verdict::Unreported(why) => format!("did not report a result: {why}"),
        }
    }
}

/// A finished test run.
#[derive(Debug)]
pub struct Run {
    pub verdict: Verdict,
    /// What the test printed: stdout, then stderr, each capped at [`OUTPUT_CAP`].
    pub output: String,
    pub elapsed: Duration,
}

/// Runs test `name` of the test binary `exe`, with `dir` as its working directory (cargo runs
/// tests from the package root), killing it after `limit`.
/// `env` adds environment variables (`cargo lab verify` lowers loom bounds so).
pub fn run_test(
    exe: &Path,
    name: &str,
    dir: &Path,
    limit: Duration,
    env: &[(&str, &str)],
) -> Result<Run> {
    let log = LogFile::new()?;
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args(["--exact", name, "--test-threads=1", "--logfile"])
        .arg(&log.path)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_TEST_THREADS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    let group = child.id() as libc::pid_t;
    let _running = Running::register(group);
    let stdout = capture(child.stdout.take());
    let stderr = capture(child.stderr.take());

    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= limit {
            timed_out = true;
            kill_group(group);
            break child.wait()?;
        }
        thread::sleep(Duration::from_millis(10));
    };
    // Whatever the test left behind in its group goes too; this also closes the pipes a
    // grandchild might hold open, so the readers below finish. A process that left the group
    // could still hold them: the readers get a short grace period, then are abandoned.
    kill_group(group);
    let stdout = stdout.recv_timeout(READER_GRACE).unwrap_or_default();
    let stderr = stderr.recv_timeout(READER_GRACE).unwrap_or_default();
    // libtest's own note about the option we rely on says nothing about the test.
    let stderr = stderr.replace("warning: `--logfile` is deprecated\n", "");
    let elapsed = start.elapsed();
    let logged_ok = log.says_ok(name);

    let verdict = if timed_out {
        Verdict::TimedOut(limit)
    } else if stderr.contains("has overflowed its stack") {
        Verdict::Crashed("stack overflow".into())
    } else if let Some(signal) = status.signal() {
        // A panic that turned into an abort (a second panic while unwinding, as loom does) is
        // best explained by the panic.
        match panic_message(name, &stdout, &stderr) {
            Some(message) => {
                Verdict::Crashed(format!("{} after a panic: {message}", signal_name(signal)))
            }
            None => Verdict::Crashed(signal_name(signal)),
        }
    } else if status.success() && reports_one_pass(&stdout) && logged_ok {
        Verdict::Passed
    } else if status.success() {
        Verdict::Unreported(
            "exited successfully, but the test harness did not record the test as passed".into(),
        )
    } else if let Some(message) = panic_message(name, &stdout, &stderr) {
        Verdict::Failed(message)
    } else if stdout.contains("test result: FAILED") {
        Verdict::Failed("the test failed without a panic message".into())
    } else {
        Verdict::Unreported(format!(
            "exited with {status} before the test harness reported a result"
        ))
    };
    Ok(Run {
        verdict,
        output: format!("{stdout}{stderr}"),
        elapsed,
    })
}

/// How long the output readers may take to finish once the test's group is gone.
const READER_GRACE: Duration = Duration::from_secs(2);

/// libtest's `--logfile`, where the harness itself records each test's outcome (`ok NAME`).
/// A test that prints a fake "test ... ok" and exits does not get its name in here.
struct LogFile {
    path: std::path::PathBuf,
}

impl LogFile {
    fn new() -> Result<LogFile> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join("cargo-lab-logs");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{}-{n}-{nanos:09}.log", std::process::id()));
        Ok(LogFile { path })
    }

    fn says_ok(&self, name: &str) -> bool {
        std::fs::read_to_string(&self.path)
            .is_ok_and(|log| log.lines().any(|line| line == format!("ok {name}")))
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Lists the tests in test binary `exe` (`--list --format terse`).
pub fn list_tests(exe: &Path, dir: &Path) -> Result<Vec<String>> {
    let out = Command::new(exe)
        .args(["--list", "--format", "terse"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {} --list", exe.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Reads `pipe` to its end on a thread of its own, keeping the first and the last
/// `OUTPUT_CAP / 2` bytes: the start of a flood of output, and the end, where libtest's summary
/// and a panic message are.
fn capture<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let half = OUTPUT_CAP / 2;
        let (mut head, mut tail) = (Vec::new(), std::collections::VecDeque::<u8>::new());
        let mut dropped = 0usize;
        if let Some(mut pipe) = pipe {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let to_head = half.saturating_sub(head.len()).min(n);
                head.extend_from_slice(&buf[..to_head]);
                tail.extend(&buf[to_head..n]);
                let excess = tail.len().saturating_sub(half);
                tail.drain(..excess);
                dropped += excess;
            }
        }
        if dropped > 0 {
            head.extend_from_slice(
                format!("\n[... {dropped} bytes of output dropped ...]\n").as_bytes(),
            );
        }
        head.extend(tail);
        let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
    });
    rx
}

/// The process groups of the tests running now, so that `cargo lab watch` can stop them on
/// Ctrl-C (they are in groups of their own, which the terminal's Ctrl-C does not reach).
static RUNNING: std::sync::Mutex<Vec<libc::pid_t>> = std::sync::Mutex::new(Vec::new());

struct Running(libc::pid_t);

impl Running {
    fn register(group: libc::pid_t) -> Running {
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(group);
        Running(group)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|g| *g != self.0);
    }
}

/// Kills every test process group running now.
pub fn kill_running_tests() {
    let groups = RUNNING.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for group in groups {
        kill_group(group);
    }
}

fn kill_group(group: libc::pid_t) {
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid names the process
    // group we created for this test. ESRCH (the group is gone) is fine.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

/// libtest's summary for a run of exactly one passing test.
fn reports_one_pass(stdout: &str) -> bool {
    stdout
        .lines()
        .any(|line| line.starts_with("test result: ok. 1 passed; 0 failed; 0 ignored;"))
}

/// The test's panic message (up to a few lines, joined), if it panicked. libtest runs each test
/// on a thread named after it, so that thread's first panic is the one that failed the test;
/// panics of other threads (a worker the test made panic on purpose) count only when it has none.
fn panic_message(test: &str, stdout: &str, stderr: &str) -> Option<String> {
    let text = format!("{stdout}\n{stderr}");
    let mut lines = text.lines();
    let (mut own, mut other) = (None, None);
    while let Some(line) = lines.next() {
        // "thread 'name' panicked at src/lib.rs:1:2:" (newer Rust: "thread 'name' (1234) panicked
        // at …"), the message on the lines after it.
        let Some((head, rest)) = line
            .split_once(" panicked at ")
            .filter(|_| line.starts_with("thread '"))
        else {
            continue;
        };
        let mut message: Vec<&str> = Vec::new();
        if !rest.ends_with(':') {
            message.push(rest);
        }
        message.extend(
            lines
                .by_ref()
                .take_while(|l| !l.trim().is_empty() && !l.starts_with("note: "))
                .map(str::trim)
                .take(4),
        );
        let message = shorten(&message.join("; "), 300);
        let thread = head.trim_start_matches("thread '").split('\'').next();
        let slot = if thread == Some(test) {
            &mut own
        } else {
            &mut other
        };
        // The first panic is the cause; later ones (a panic while unwinding) are consequences.
        slot.get_or_insert(message);
    }
    own.or(other)
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGABRT => "SIGABRT (abort, e.g. a panic while panicking, or a stack overflow)",
        libc::SIGSEGV => "SIGSEGV (invalid memory access, or a stack overflow)",
        libc::SIGBUS => "SIGBUS (invalid memory access)",
        libc::SIGILL => "SIGILL (illegal instruction)",
        libc::SIGFPE => "SIGFPE (arithmetic fault)",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        _ => return format!("killed by signal {signal}"),
    };
    format!("killed by {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_panic_message() {
        let out = "running 1 test\ntest a ... FAILED\n\n---- a stdout ----\n\nthread 'a' panicked at tests/t.rs:3:5:\nnot yet implemented: 1.2: sum\n";
        assert_eq!(
            panic_message("a", out, "").as_deref(),
            Some("not yet implemented: 1.2: sum")
        );
        let out = "thread 'a' (77) panicked at tests/t.rs:3:5:\nassertion `left == right` failed\n  left: 6\n right: 5\n\n";
        assert_eq!(
            panic_message("a", out, "").as_deref(),
            Some("assertion `left == right` failed; left: 6; right: 5")
        );
    }

    #[test]
    fn the_test_threads_own_panic_wins_over_a_workers() {
        let out = "thread '<unnamed>' (8) panicked at src/lib.rs:1:1:\ndisk full\n\n\
                   thread 'join_all' (7) panicked at tests/t.rs:9:5:\nexpected 3 results\n";
        assert_eq!(
            panic_message("join_all", out, "").as_deref(),
            Some("expected 3 results")
        );
        let workers_only = "thread '<unnamed>' (8) panicked at src/lib.rs:1:1:\ndisk full\n";
        assert_eq!(
            panic_message("join_all", workers_only, "").as_deref(),
            Some("disk full")
        );
    }

    #[test]
    fn only_a_single_pass_counts() {
        assert!(reports_one_pass(
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 9 filtered out"
        ));
        assert!(!reports_one_pass(
            "test result: ok. 0 passed; 0 failed; 1 ignored; 0 measured; 9 filtered out"
        ));
        assert!(!reports_one_pass(
            "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 10 filtered out"
        ));
    }
}
