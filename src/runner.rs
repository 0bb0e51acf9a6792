//! Running one test in its own process, in the [sandbox](crate::sandbox), with a time limit and
//! a cap on what it may print.
//!
//! Every test runs as `<test binary> --exact <name> --test-threads=1 --logfile <file>`, through a
//! supervisor that kills everything the test started when it ends (see [`crate::sandbox`]). A
//! test counts as passed only when the process exits successfully, libtest's summary says exactly
//! one test ran and passed, *and* libtest wrote `ok <name>` to the log file it was given: a test
//! that prints a fake summary and exits early scores nothing, and an `#[ignore]`d or filtered-out
//! test ran nothing and does not pass.
//!
//! Code inside the test process can still forge anything the harness does (it could find the
//! log file's path in its own command line): no process boundary separates the two. That is
//! cheating written into the source, and the grader's static review of `src/` (disallowed calls,
//! `unsafe` forbidden where a lab has no unsafe exercise) is what catches it.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::{Result, bail};

use crate::sandbox::{Limits, RunSpec, Sandbox};

/// How much of a test's stdout and stderr is kept (each: its start and its end); the rest is
/// read and dropped.
pub const OUTPUT_CAP: usize = 256 * 1024;

/// The largest libtest log file read.
const LOG_CAP: u64 = 1 << 20;

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

/// Something a run did that a report should name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunNote {
    pub text: String,
    /// It voids the grade (the grading itself was interfered with), not only the test.
    pub voids: bool,
}

/// Runs tests in one sandbox with one set of limits, and keeps what the runs did for the report.
#[derive(Clone)]
pub struct Runner {
    sandbox: Arc<Sandbox>,
    limits: Limits,
    notes: Arc<Mutex<Vec<RunNote>>>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("sandbox", &self.sandbox.summary().mechanism)
            .field("limits", &self.limits)
            .finish()
    }
}

/// The runner `verify` and `status` use: see [`Sandbox::for_own_code`].
fn default_runner() -> &'static Runner {
    static RUNNER: OnceLock<Runner> = OnceLock::new();
    RUNNER.get_or_init(|| Runner::new(Arc::new(Sandbox::for_own_code()), Limits::default()))
}

/// Runs test `name` of the test binary `exe`, with `dir` as its working directory (cargo runs
/// tests from the package root), killing it and everything it started after `limit`. `env` adds
/// environment variables to the sandbox's clean environment (`cargo lab verify` lowers loom
/// bounds so).
pub fn run_test(
    exe: &Path,
    name: &str,
    dir: &Path,
    limit: Duration,
    env: &[(&str, &str)],
) -> Result<Run> {
    default_runner().run_test(exe, name, dir, limit, env)
}

/// Lists the tests in test binary `exe` (`--list --format terse`).
pub fn list_tests(exe: &Path, dir: &Path) -> Result<Vec<String>> {
    default_runner().list_tests(exe, dir)
}

/// Stops every test running now, and everything it started (`cargo lab watch` on Ctrl-C: the
/// tests run in sessions of their own, which the terminal's Ctrl-C does not reach).
pub fn kill_running_tests() {
    crate::sandbox::stop_all();
}

impl Runner {
    pub fn new(sandbox: Arc<Sandbox>, limits: Limits) -> Runner {
        Runner {
            sandbox,
            limits,
            notes: Arc::default(),
        }
    }

    /// What the runs so far did that a report should name; taking them clears them.
    pub fn take_notes(&self) -> Vec<RunNote> {
        std::mem::take(&mut *self.notes.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn note(&self, text: String, voids: bool) {
        self.notes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RunNote { text, voids });
    }

    /// See [`run_test`].
    pub fn run_test(
        &self,
        exe: &Path,
        name: &str,
        dir: &Path,
        limit: Duration,
        env: &[(&str, &str)],
    ) -> Result<Run> {
        let scratch = self.sandbox.scratch()?;
        let log = scratch.dir.join("libtest.log");
        let args = [
            "--exact".to_string(),
            name.to_string(),
            "--test-threads=1".into(),
            "--logfile".into(),
            log.to_string_lossy().into_owned(),
        ];
        let out = self.sandbox.execute(&RunSpec {
            program: exe,
            args: &args,
            cwd: dir,
            scratch: &scratch,
            limit,
            limits: &self.limits,
            output_cap: OUTPUT_CAP,
            env,
        })?;
        self.note_what_was_left(&out);
        let stdout = out.stdout;
        // libtest's own note about the option we rely on says nothing about the test.
        let note = "warning: `--logfile` is deprecated";
        let stderr = out
            .stderr
            .replace(&format!("{note}\n"), "")
            .replace(note, "");
        let logged_ok = says_ok(&log, name);
        drop(scratch);

        let verdict = if let Some(why) = &out.start_error {
            Verdict::Unreported(why.clone())
        } else if let Some(why) = &out.supervisor_failure {
            Verdict::Unreported(format!("the run was interfered with: {why}"))
        } else if out.timed_out {
            Verdict::TimedOut(limit)
        } else if stderr.contains("has overflowed its stack") {
            Verdict::Crashed("stack overflow".into())
        } else if let Some(status) = out.status {
            judge(name, status, &stdout, &stderr, logged_ok)
        } else {
            Verdict::Unreported("the test process left no exit status".into())
        };
        Ok(Run {
            verdict,
            output: format!("{stdout}{stderr}"),
            elapsed: out.elapsed,
        })
    }

    /// See [`list_tests`]: the listing runs the binary, so it runs in the sandbox too (code
    /// before `main` would run here first).
    pub fn list_tests(&self, exe: &Path, dir: &Path) -> Result<Vec<String>> {
        let scratch = self.sandbox.scratch()?;
        let args = ["--list".to_string(), "--format".into(), "terse".into()];
        let out = self.sandbox.execute(&RunSpec {
            program: exe,
            args: &args,
            cwd: dir,
            scratch: &scratch,
            limit: Duration::from_secs(60),
            limits: &self.limits,
            output_cap: 4 * OUTPUT_CAP,
            env: &[],
        })?;
        self.note_what_was_left(&out);
        if let Some(why) = out.start_error.or(out.supervisor_failure) {
            let hint = match self.sandbox.test_uid() {
                Some(uid) if why.contains("ermission denied") => format!(
                    "\nthe tests run as uid {uid}: every folder above the build and the grading \
                     workspace must be enterable by other users (chmod o+x), or give a --work-dir \
                     and CARGO_TARGET_DIR where they are"
                ),
                _ => String::new(),
            };
            bail!("cannot list the tests of {}: {why}{hint}", exe.display());
        }
        Ok(out
            .stdout
            .lines()
            .filter_map(|line| line.strip_suffix(": test"))
            .map(str::to_owned)
            .collect())
    }

    fn note_what_was_left(&self, out: &crate::sandbox::Outcome) {
        if !out.leftovers.is_empty() {
            let daemons = out.leftovers.iter().filter(|l| l.own_session).count();
            let names: Vec<&str> = out
                .leftovers
                .iter()
                .take(5)
                .map(|l| l.command.as_str())
                .collect();
            let detached = if daemons > 0 {
                format!("; {daemons} had left the test's session, as a daemon does to outlive it")
            } else {
                String::new()
            };
            self.note(
                format!(
                    "left {} processes running after it ended ({}{detached}): all were killed",
                    out.leftovers.len(),
                    names.join(", ")
                ),
                false,
            );
        }
        if !out.unkilled.is_empty() {
            self.note(
                format!(
                    "{} processes it started could not be killed",
                    out.unkilled.len()
                ),
                true,
            );
        }
        if let Some(why) = &out.supervisor_failure {
            self.note(format!("the test's supervisor failed: {why}"), true);
        }
    }
}

/// The verdict on a test process that ended with `status`.
fn judge(
    name: &str,
    status: std::process::ExitStatus,
    stdout: &str,
    stderr: &str,
    logged_ok: bool,
) -> Verdict {
    use std::os::unix::process::ExitStatusExt;
    if let Some(signal) = status.signal() {
        // A panic that turned into an abort (a second panic while unwinding, as loom does) is
        // best explained by the panic.
        match panic_message(name, stdout, stderr) {
            Some(message) => {
                Verdict::Crashed(format!("{} after a panic: {message}", signal_name(signal)))
            }
            None => Verdict::Crashed(signal_name(signal)),
        }
    } else if status.success() && reports_one_pass(stdout) && logged_ok {
        Verdict::Passed
    } else if status.success() {
        Verdict::Unreported(
            "exited successfully, but the test harness did not record the test as passed".into(),
        )
    } else if let Some(message) = panic_message(name, stdout, stderr) {
        Verdict::Failed(message)
    } else if stdout.contains("test result: FAILED") {
        Verdict::Failed("the test failed without a panic message".into())
    } else {
        Verdict::Unreported(format!(
            "exited with {status} before the test harness reported a result"
        ))
    }
}

/// Whether libtest's `--logfile` (where the harness itself records each test's outcome,
/// `ok NAME`) says `name` passed. Read without following a symbolic link, and only so much.
fn says_ok(log: &Path, name: &str) -> bool {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(log)
    else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut text = String::new();
    if file.take(LOG_CAP).read_to_string(&mut text).is_err() {
        return false;
    }
    let expected = format!("ok {name}");
    text.lines().any(|line| line == expected)
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
        libc::SIGKILL => "SIGKILL (killed from outside, or out of memory)",
        libc::SIGXFSZ => "SIGXFSZ (a file grew past the lab's file size limit)",
        libc::SIGXCPU => "SIGXCPU (past the CPU time limit)",
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
