//! The sandbox every test process runs in: the strongest isolation this machine allows, chosen
//! at run time and named in every report.
//!
//! Each run goes through a [supervisor](supervisor), a process of its own that is a child
//! subreaper: when the test ends, everything it started is killed, however it detached itself
//! (`setsid`, double fork), before the grader goes on. On top of that, where available:
//!
//! - **a user of its own** (the grader runs as root): the tests of a submission run as a fresh
//!   unprivileged uid and gid, chosen for this submission, that owns nothing and may write only
//!   its private scratch folder (`HOME`, `TMPDIR`), so it cannot change the grading workspace,
//!   the build cache, the test binaries, the tool or the report folder. A fresh uid rather than
//!   `nobody`: nothing else runs or owns files as it, so "every process of that user" is exactly
//!   what the submission started, and one submission cannot read or signal what another left;
//! - **a cgroup v2 per run**, where the grader may create one: `cgroup.kill` ends everything in it
//!   at once, and `memory.max` and `pids.max` bound the run when those controllers are delegated;
//! - **resource limits** (`setrlimit`): address space, processes, file size, CPU time, no core
//!   dumps;
//! - always **a clean environment** ([`env::for_tests`]) and a new session with no terminal.
//!
//! Without root, the tests run as the grader's own user: they could write everything the
//! grader can, and the [`Summary`] says the grade is advisory, and why.

pub mod cgroup;
pub mod env;
pub mod procs;
pub mod supervisor;

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};

use self::cgroup::{Cgroups, RunGroup};
pub use self::procs::Leftover;
use self::supervisor::{Job, Rlimits};

/// Resource limits of one test run (`[grading]` in `lab.toml` overrides them per lab).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The memory each test process may allocate (`RLIMIT_DATA`: heap, anonymous mappings,
    /// thread stacks), and the whole run where a cgroup with the memory controller is available
    /// (`memory.max`), in MiB. Not the address space: glibc reserves 64 MiB of it per thread
    /// arena, so a limit on that fails correct multi-threaded code long before it uses memory.
    pub memory_mb: u64,
    /// Processes and threads the run may have at once (`RLIMIT_NPROC`, `pids.max`).
    pub processes: u64,
    /// The largest file a test may write (`RLIMIT_FSIZE`), in MiB.
    pub file_size_mb: u64,
    /// CPU seconds per process (`RLIMIT_CPU`); by default the time limit times the number of
    /// cores, plus 10 s: it only matters for a process that outlives its wall-clock limit.
    pub cpu_secs: Option<u64>,
}

impl Default for Limits {
    /// 4 GiB of memory, or half of what this machine (or container) has when that is less;
    /// 512 processes and threads; files up to 256 MiB.
    fn default() -> Limits {
        static MEMORY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let memory_mb = *MEMORY
            .get_or_init(|| machine_memory_mb().map_or(4096, |total| (total / 2).clamp(256, 4096)));
        Limits {
            memory_mb,
            processes: 512,
            file_size_mb: 256,
            cpu_secs: None,
        }
    }
}

/// The memory this process may use, in MiB: the least of the machine's, and its cgroup's
/// limit (a container's).
fn machine_memory_mb() -> Option<u64> {
    let mut limits = Vec::new();
    if let Ok(info) = std::fs::read_to_string("/proc/meminfo")
        && let Some(kib) = info
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    {
        limits.push(kib / 1024);
    }
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    for line in cgroups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next(), parts.next(), parts.next());
        let (Some(controllers), Some(path)) = (controllers, path) else {
            continue;
        };
        let file = match controllers {
            "" => format!("/sys/fs/cgroup{path}/memory.max"),
            c if c.split(',').any(|c| c == "memory") => {
                format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes")
            }
            _ => continue,
        };
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(bytes) = text.trim().parse::<u64>()
        {
            limits.push(bytes >> 20);
        }
    }
    limits.into_iter().filter(|&mb| mb > 0).min()
}

impl std::fmt::Display for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} MiB of memory per process, {} processes, files up to {} MiB, ",
            self.memory_mb, self.processes, self.file_size_mb
        )?;
        match self.cpu_secs {
            Some(secs) => write!(f, "{secs} s of CPU time per process"),
            None => write!(f, "CPU time bounded by the time limit"),
        }
    }
}

/// How the tests were isolated, for every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every mechanism in use, in one sentence.
    pub mechanism: String,
    /// The tests ran as a user of their own: they could not write what the grade depends on.
    pub isolated: bool,
    /// Why the grade is only advisory, when it is.
    pub advisory: Option<String>,
    /// The uid the tests ran as, when it was one of their own.
    pub uid: Option<u32>,
}

/// A test's private folder, its `HOME` and `TMPDIR`; removed on drop.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What one run did.
#[derive(Debug)]
pub struct Outcome {
    /// How the test process ended; `None` when it never started.
    pub status: Option<ExitStatus>,
    /// Why it could not start.
    pub start_error: Option<String>,
    pub timed_out: bool,
    pub elapsed: Duration,
    pub stdout: String,
    pub stderr: String,
    /// Processes still running when the test process ended; all were killed.
    pub leftovers: Vec<Leftover>,
    /// Processes that could not be killed.
    pub unkilled: Vec<Leftover>,
    /// The supervisor ended without its report (killed by the test, or crashed).
    pub supervisor_failure: Option<String>,
}

pub struct Sandbox {
    /// The program that supervises a run: this very tool.
    supervisor: PathBuf,
    user: Option<(u32, u32)>,
    cgroups: Option<Cgroups>,
    /// Each test gets a network namespace with loopback only (as root, where allowed).
    private_network: bool,
    /// Why the network is not private, when the grader tried.
    network_note: Option<String>,
    /// Where each run's scratch folder goes; `None`: the system's temporary folder.
    scratch_root: Option<PathBuf>,
    /// Nothing but the sandbox starts processes while tests run, so every descendant of the
    /// grader is the sandbox's to kill (grading; not verify, which builds while it tests).
    exclusive: bool,
    next: AtomicU64,
    summary: Summary,
}

/// How long the grader waits for a supervisor beyond the test's own limit.
const SUPERVISOR_GRACE: Duration = Duration::from_secs(60);

/// How long the output readers may take to finish once the run is over.
const READER_GRACE: Duration = Duration::from_secs(2);

/// Set to `same-user` to run the tests as the grader's own user even as root: the advisory path
/// of a machine without root, for testing the grader itself.
pub const SAME_USER_VAR: &str = "CARGO_LAB_SANDBOX";

impl Sandbox {
    /// The sandbox for code the caller trusts more than a submission (`verify` runs solutions
    /// and mutants, `status` a student's own code on their machine): the supervisor, rlimits and
    /// a clean environment, but the caller's own user (a uid switch
    /// needs every folder above the workspace readable by others, which a home folder is not).
    pub fn for_own_code() -> Sandbox {
        remove_stale_scratch(&std::env::temp_dir());
        // No cgroup: this sandbox lives as long as the process (a static), so a cgroup folder of
        // its own would outlive it; the supervisor's subreaper does the killing.
        let cgroups = None;
        let summary = Summary {
            mechanism: mechanism(None, cgroups.as_ref(), &Limits::default(), None),
            isolated: false,
            advisory: Some("the tests ran as the caller's own user".into()),
            uid: None,
        };
        Sandbox {
            supervisor: own_program(),
            user: None,
            cgroups,
            private_network: false,
            network_note: None,
            scratch_root: None,
            exclusive: false,
            next: AtomicU64::new(0),
            summary,
        }
    }

    /// The sandbox for one submission's tests, with scratch folders under `scratch_root` (a
    /// folder of the grader's, created here). As root, the tests get a fresh uid, provided they
    /// can reach every folder in `reach` (the build folder, the grading copy); otherwise they run
    /// as the grader's user and the summary says the grade is advisory, and why.
    pub fn for_submission(
        scratch_root: &Path,
        limits: &Limits,
        reach: &[&Path],
    ) -> Result<Sandbox> {
        make_private_dir(scratch_root, 0o711)?;
        #[cfg(target_os = "linux")]
        // SAFETY: prctl with integer arguments only changes this process's own attributes.
        unsafe {
            let zero = 0 as libc::c_ulong;
            // Orphans of a supervisor that died come to us, not to init, and are swept.
            libc::prctl(
                libc::PR_SET_CHILD_SUBREAPER,
                1 as libc::c_ulong,
                zero,
                zero,
                zero,
            );
            // A test running as our own user cannot trace us, read our memory or environment
            // through /proc, or open our file descriptors.
            libc::prctl(libc::PR_SET_DUMPABLE, zero, zero, zero, zero);
        }
        let mut sandbox = Sandbox {
            supervisor: own_program(),
            user: None,
            cgroups: Cgroups::create().ok(),
            private_network: false,
            network_note: None,
            scratch_root: Some(scratch_root.to_path_buf()),
            exclusive: true,
            next: AtomicU64::new(0),
            summary: Summary {
                mechanism: String::new(),
                isolated: false,
                advisory: None,
                uid: None,
            },
        };
        let my_uid = unsafe_geteuid();
        let same_user = std::env::var(SAME_USER_VAR).is_ok_and(|v| v == "same-user");
        let advisory = if my_uid != 0 {
            Some(format!(
                "the grader does not run as root, so the tests ran as its own user (uid {my_uid}) \
                 and could write what it can: the grading workspace, the build cache, the test \
                 binaries, the tool and the report folder. The grader checks the test binaries, \
                 the tool and the workspace for changes, but cannot rule out every change; for a \
                 grade that counts, grade as root (Gradescope, a CI container, sudo)"
            ))
        } else if same_user {
            Some(format!(
                "the tests ran as the grader's own user ({SAME_USER_VAR}=same-user), as on a \
                 machine without root: they could write what the grader can"
            ))
        } else if let Some(closed) = reach
            .iter()
            .chain([&scratch_root])
            .find_map(|p| closed_to_others(p))
        {
            Some(format!(
                "the tests ran as the grader's own user (root): another user could not enter {} \
                 (mode {:o}), above the build or work folder. Give CARGO_TARGET_DIR and \
                 --work-dir outside it, for tests that run as a user of their own",
                closed.0.display(),
                closed.1
            ))
        } else {
            match sandbox.pick_user() {
                Ok(()) => {
                    sandbox.private_network = true;
                    if let Err(e) = sandbox.probe() {
                        sandbox.private_network = false;
                        sandbox.network_note = Some(format!("{e:#}"));
                    }
                    None
                }
                Err(why) => Some(format!(
                    "no unprivileged user could be used for the tests ({why}), so they ran as \
                     root and could write anything"
                )),
            }
        };
        let network = if sandbox.private_network {
            Some(Ok(()))
        } else {
            sandbox.network_note.clone().map(Err)
        };
        sandbox.summary = Summary {
            mechanism: mechanism(
                sandbox.user,
                sandbox.cgroups.as_ref(),
                limits,
                network.as_ref(),
            ),
            isolated: advisory.is_none(),
            advisory,
            uid: sandbox.user.map(|(uid, _)| uid),
        };
        Ok(sandbox)
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The uid the tests run as, when it is one of their own.
    pub fn test_uid(&self) -> Option<u32> {
        self.user.map(|(uid, _)| uid)
    }

    /// Chooses a fresh uid for this submission and proves a test can run as it.
    fn pick_user(&mut self) -> Result<(), String> {
        let mut last = String::new();
        for candidate in candidate_users() {
            self.user = Some(candidate);
            match self.probe() {
                Ok(()) => return Ok(()),
                Err(e) => last = format!("uid {}: {e:#}", candidate.0),
            }
        }
        self.user = None;
        Err(last)
    }

    /// Runs `/bin/sh -c 'exit 0'` in the sandbox.
    fn probe(&self) -> Result<()> {
        let scratch = self.scratch()?;
        let out = self.execute(&RunSpec {
            program: Path::new("/bin/sh"),
            args: &["-c".into(), "exit 0".into()],
            cwd: &scratch.dir,
            scratch: &scratch,
            limit: Duration::from_secs(20),
            limits: &Limits::default(),
            output_cap: 4096,
            env: &[],
        })?;
        if let Some(e) = out.start_error.or(out.supervisor_failure) {
            return Err(anyhow!(e));
        }
        match out.status {
            Some(s) if s.success() => Ok(()),
            other => Err(anyhow!("the probe ended with {other:?}: {}", out.stderr)),
        }
    }

    /// A fresh private folder for one run, owned by the test's user.
    pub fn scratch(&self) -> Result<Scratch> {
        let base = self.scratch_root.clone().unwrap_or_else(std::env::temp_dir);
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("cargo-lab-run-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot create {}", dir.display()));
                }
            }
            let scratch = Scratch { dir };
            set_mode(&scratch.dir, 0o700)?;
            if let Some((uid, gid)) = self.user {
                std::os::unix::fs::chown(&scratch.dir, Some(uid), Some(gid)).with_context(
                    || format!("cannot give {} to uid {uid}", scratch.dir.display()),
                )?;
            }
            return Ok(scratch);
        }
    }

    /// Runs one program in the sandbox, through a supervisor, and waits until it and everything
    /// it started are gone.
    pub fn execute(&self, spec: &RunSpec) -> Result<Outcome> {
        let limits = spec.limits;
        let group = self
            .cgroups
            .as_ref()
            .and_then(|c| c.run_group(limits.memory_mb << 20, limits.processes).ok());
        let cores = thread::available_parallelism().map_or(1, |n| n.get() as u64);
        let processes = match self.user {
            Some(_) => limits.processes,
            // RLIMIT_NPROC counts every thread of the user: leave room for the ones there are.
            None => procs::threads_of_user(unsafe_getuid()) + limits.processes,
        };
        let job = Job {
            program: spec.program.to_path_buf(),
            args: spec.args.to_vec(),
            cwd: spec.cwd.to_path_buf(),
            env: env::for_tests(&spec.scratch.dir)
                .into_iter()
                .chain(spec.env.iter().map(|(k, v)| (k.to_string(), v.to_string())))
                .collect(),
            limit_ms: spec.limit.as_millis() as u64,
            rlimits: Rlimits {
                memory: limits.memory_mb << 20,
                processes,
                file_size: limits.file_size_mb << 20,
                cpu_secs: limits.cpu_secs.unwrap_or(spec.limit.as_secs() * cores + 10),
            },
            user: self.user,
            cgroup: group.as_ref().map(|g| g.dir.clone()),
            private_network: self.private_network,
        };
        let (out_r, out_w) = std::io::pipe()?;
        let (err_r, err_w) = std::io::pipe()?;
        let (report_r, report_w) = std::io::pipe()?;
        let report_fd = report_w.as_raw_fd();
        let mut cmd = Command::new(&self.supervisor);
        cmd.arg(supervisor::ARG)
            .arg(serde_json::to_string(&job)?)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(out_w)
            .stderr(err_w)
            .process_group(0);
        // SAFETY: only dup2 and fcntl, which are async-signal-safe, run between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let fd = supervisor::REPORT_FD;
                if report_fd == fd {
                    let flags = libc::fcntl(fd, libc::F_GETFD);
                    libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
                } else if libc::dup2(report_fd, fd) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().with_context(|| {
            format!("cannot start the supervisor {}", self.supervisor.display())
        })?;
        let _running = Running::register(child.id() as i32);
        // Our copies of the pipes' write ends must close, or the readers never see the end.
        drop(cmd);
        drop(report_w);
        let stdout = capture(out_r, spec.output_cap);
        let stderr = capture(err_r, spec.output_cap);
        let report = capture(report_r, 1 << 20);

        let deadline = spec.limit + SUPERVISOR_GRACE;
        let start = Instant::now();
        let mut failure = None;
        loop {
            if let Some(status) = child.try_wait()? {
                if !status.success() {
                    failure = Some(format!("the supervisor ended with {status}"));
                }
                break;
            }
            if start.elapsed() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                failure = Some(format!(
                    "the supervisor did not finish within {} s of the time limit",
                    SUPERVISOR_GRACE.as_secs()
                ));
                break;
            }
            thread::sleep(Duration::from_millis(2));
        }
        let text = report.recv_timeout(READER_GRACE).unwrap_or_default();
        let parsed = serde_json::from_str::<supervisor::Report>(&text).ok();
        let (report, supervisor_failure) = match (failure, parsed) {
            (None, Some(report)) => (report, None),
            (failure, _) => {
                let why = failure.unwrap_or_else(|| {
                    "the supervisor ended without a report (something killed it)".into()
                });
                self.sweep_after_failure(group.as_ref());
                (supervisor::Report::default(), Some(why))
            }
        };
        if let Some(group) = &group {
            group.kill_and_remove(Duration::from_secs(5));
        }
        let stdout = stdout.recv_timeout(READER_GRACE).unwrap_or_default();
        let stderr = stderr.recv_timeout(READER_GRACE).unwrap_or_default();
        Ok(Outcome {
            status: report.wait_status.map(ExitStatus::from_raw),
            start_error: report.error,
            timed_out: report.timed_out,
            elapsed: if report.elapsed_ms > 0 {
                Duration::from_millis(report.elapsed_ms)
            } else {
                start.elapsed()
            },
            stdout,
            stderr,
            leftovers: report.leftovers,
            unkilled: report.unkilled,
            supervisor_failure,
        })
    }

    /// When a supervisor could not clean up, the grader does: the run's cgroup, every process of
    /// the run's user and, when nothing else runs, every descendant of the grader.
    fn sweep_after_failure(&self, group: Option<&RunGroup>) {
        if let Some(group) = group {
            group.kill_and_remove(Duration::from_secs(5));
        }
        if let Some((uid, _)) = self.user {
            procs::kill_until_gone(
                |all| procs::of_user(all, uid),
                Duration::from_secs(10),
                |_, _| {},
            );
        }
        if self.exclusive {
            let me = std::process::id() as i32;
            procs::kill_until_gone(
                |all| procs::descendants(all, me),
                Duration::from_secs(10),
                |_, _| {},
            );
        }
    }

    /// After the last test of a submission: kills anything of its user that is somehow still
    /// running, and removes the files its user left in the shared temporary folders. Returns
    /// what it found, for the report.
    pub fn finish(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let Some((uid, _)) = self.user else {
            return notes;
        };
        let left = procs::kill_until_gone(
            |all| procs::of_user(all, uid),
            Duration::from_secs(10),
            |_, _| {},
        );
        if !left.is_empty() {
            notes.push(format!(
                "{} processes of the tests' user could not be killed",
                left.len()
            ));
        }
        let mut removed = Vec::new();
        for root in ["/tmp", "/var/tmp", "/dev/shm"] {
            remove_owned_by(Path::new(root), uid, 4, &mut removed);
        }
        if !removed.is_empty() {
            let shown: Vec<String> = removed.iter().take(5).cloned().collect();
            notes.push(format!(
                "the tests left {} files in shared temporary folders ({}{}); removed",
                removed.len(),
                shown.join(", "),
                if removed.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        notes
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(root) = &self.scratch_root {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

/// The supervisors running now, for [`stop_all`].
static RUNNING: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

struct Running(i32);

impl Running {
    fn register(pid: i32) -> Running {
        RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push(pid);
        Running(pid)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| *p != self.0);
    }
}

/// Asks every supervisor running now to stop its test: it kills the test and everything it
/// started, and reports as for a test whose time ran out.
pub fn stop_all() {
    let pids = RUNNING.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for pid in pids {
        procs::kill(pid, libc::SIGTERM);
    }
}

/// What to run in the sandbox.
pub struct RunSpec<'a> {
    pub program: &'a Path,
    pub args: &'a [String],
    pub cwd: &'a Path,
    pub scratch: &'a Scratch,
    pub limit: Duration,
    pub limits: &'a Limits,
    /// How much of stdout and of stderr is kept (each: its start and its end).
    pub output_cap: usize,
    /// Variables added to the clean environment (the caller's own, such as loom's bounds).
    pub env: &'a [(&'a str, &'a str)],
}

/// The mechanisms in one sentence. `network`: whether each test has a network of its own (`None`:
/// not tried, as without root).
fn mechanism(
    user: Option<(u32, u32)>,
    cgroups: Option<&Cgroups>,
    limits: &Limits,
    network: Option<&Result<(), String>>,
) -> String {
    let mut parts = Vec::new();
    match user {
        Some((uid, _)) if uid == NOBODY => parts.push(format!(
            "tests ran as uid {uid} (nobody: no fresh uid is mapped here), which cannot write the workspace, the build cache or the reports"
        )),
        Some((uid, _)) => parts.push(format!(
            "tests ran as uid {uid}, a fresh unprivileged user for this submission that cannot write the workspace, the build cache or the reports"
        )),
        None => parts.push("tests ran as the grader's own user".into()),
    }
    match cgroups {
        Some(c) if c.limits => {
            parts.push("a cgroup v2 per test (cgroup.kill, memory.max, pids.max)".into())
        }
        Some(_) => parts.push(
            "a cgroup v2 per test (cgroup.kill; no memory or pids controller is delegated here)"
                .into(),
        ),
        None => {}
    }
    if cfg!(target_os = "linux") {
        parts.push(
            "a supervisor per test that is a child subreaper and kills every process the test started, setsid or not, before the next step".into(),
        );
    } else {
        parts.push("a supervisor per test that kills the test's session".into());
    }
    match network {
        Some(Ok(())) => parts.push(
            "a network namespace per test with loopback only (nothing leaves the machine)".into(),
        ),
        Some(Err(why)) => parts.push(format!("the network is not isolated ({why})")),
        None => parts.push("the network is not isolated (that needs root)".into()),
    }
    parts.push(format!(
        "rlimits (by default {limits}; lab.toml may set others)"
    ));
    parts.push(
        "a clean environment (PATH, HOME and TMPDIR in a private folder, LANG, RUST_BACKTRACE)"
            .into(),
    );
    parts.push("no terminal".into());
    parts.join("; ")
}

const NOBODY: u32 = 65534;

/// Fresh uids to try: from a high range no distribution allocates, when this user namespace
/// maps it, and `nobody` last.
fn candidate_users() -> Vec<(u32, u32)> {
    const BASE: u32 = 1_818_300_000;
    const SPAN: u32 = 1_000_000;
    let uid_map = read_id_map("/proc/self/uid_map");
    let gid_map = read_id_map("/proc/self/gid_map");
    let taken = taken_ids();
    let running: std::collections::BTreeSet<u32> =
        procs::snapshot().values().flat_map(|p| p.uids).collect();
    let seed = std::process::id()
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
    let mut found = Vec::new();
    for k in 0..64u32 {
        let id = BASE + seed.wrapping_add(k.wrapping_mul(7919)) % SPAN;
        if mapped(&uid_map, id)
            && mapped(&gid_map, id)
            && !taken.contains(&id)
            && !running.contains(&id)
        {
            found.push((id, id));
            if found.len() == 2 {
                break;
            }
        }
    }
    if mapped(&uid_map, NOBODY) && mapped(&gid_map, NOBODY) {
        found.push((NOBODY, NOBODY));
    }
    found
}

/// `/proc/self/{uid,gid}_map`: (first id inside, count) ranges; the whole range when unreadable.
fn read_id_map(path: &str) -> Vec<(u64, u64)> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter_map(|l| {
                let f: Vec<u64> = l
                    .split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect();
                (f.len() == 3).then(|| (f[0], f[2]))
            })
            .collect(),
        Err(_) => vec![(0, u64::from(u32::MAX))],
    }
}

fn mapped(map: &[(u64, u64)], id: u32) -> bool {
    let id = u64::from(id);
    map.iter()
        .any(|&(first, count)| id >= first && id < first + count)
}

/// Ids named in /etc/passwd and /etc/group.
fn taken_ids() -> std::collections::BTreeSet<u32> {
    let mut ids = std::collections::BTreeSet::new();
    for file in ["/etc/passwd", "/etc/group"] {
        for line in std::fs::read_to_string(file).unwrap_or_default().lines() {
            if let Some(id) = line.split(':').nth(2).and_then(|n| n.parse().ok()) {
                ids.insert(id);
            }
        }
    }
    ids
}

/// Removes what `uid` owns under `dir` (folders it may write, `depth` levels down at most), and
/// adds the paths to `removed`.
fn remove_owned_by(dir: &Path, uid: u32, depth: u32, removed: &mut Vec<String>) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten().take(100_000) {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.uid() == uid {
            let gone = if meta.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            if gone.is_ok() {
                removed.push(path.display().to_string());
            }
        } else if meta.is_dir() && depth > 1 && meta.mode() & 0o002 != 0 {
            // Only a folder anyone may write can hold something of theirs.
            remove_owned_by(&path, uid, depth - 1, removed);
        }
    }
}

/// The program that runs supervisors: this process's own executable. On Linux that is
/// `/proc/self/exe`, which stays the running binary even when its file is replaced.
fn own_program() -> PathBuf {
    if cfg!(target_os = "linux") {
        PathBuf::from("/proc/self/exe")
    } else {
        std::env::current_exe().unwrap_or_else(|_| PathBuf::from("cargo-lab"))
    }
}

/// Removes the scratch folders (`cargo-lab-run-<pid>-<n>`) that a process of ours left in `dir`
/// when it was killed before it could (`cargo lab watch` ends on Ctrl-C).
fn remove_stale_scratch(dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    // Without /proc, every process would look dead.
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = unsafe_geteuid();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("cargo-lab-run-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let ours =
            std::fs::symlink_metadata(entry.path()).is_ok_and(|m| m.is_dir() && m.uid() == me);
        if ours && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The first folder on the way to `path` (itself included) that other users may not enter, with
/// its mode.
fn closed_to_others(path: &Path) -> Option<(PathBuf, u32)> {
    use std::os::unix::fs::MetadataExt;
    let mut at = PathBuf::new();
    for part in path.components() {
        at.push(part);
        let meta = std::fs::metadata(&at).ok()?;
        if meta.is_dir() && meta.mode() & 0o001 == 0 {
            return Some((at, meta.mode() & 0o7777));
        }
    }
    None
}

/// Creates `dir` (and its parents) and gives it `mode`.
pub fn make_private_dir(dir: &Path, mode: u32) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    set_mode(dir, mode)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the permissions of {}", path.display()))
}

fn unsafe_geteuid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

fn unsafe_getuid() -> u32 {
    // SAFETY: getuid cannot fail.
    unsafe { libc::getuid() }
}

/// Reads `pipe` to its end on a thread of its own, keeping the first and the last `cap / 2`
/// bytes: the start of a flood of output, and the end, where libtest's summary and a panic
/// message are.
fn capture<R: Read + Send + 'static>(mut pipe: R, cap: usize) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let half = cap / 2;
        let (mut head, mut tail) = (Vec::new(), std::collections::VecDeque::<u8>::new());
        let mut dropped = 0usize;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_others_cannot_enter_is_found() {
        use std::os::unix::fs::PermissionsExt;
        let base = std::env::temp_dir().join(format!("cargo-lab-closed-{}", std::process::id()));
        let inner = base.join("inner");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(closed_to_others(&inner), None);
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(closed_to_others(&inner), Some((base.clone(), 0o700)));
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn id_maps_are_read() {
        assert!(mapped(&[(0, 65536)], 65534));
        assert!(!mapped(&[(0, 65536)], 1_818_300_000));
        assert!(mapped(&[(0, u64::from(u32::MAX))], 1_818_300_000));
    }
}
