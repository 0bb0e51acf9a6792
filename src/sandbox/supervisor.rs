//! The supervisor: a small process of its own per test run, between the grader and the test.
//!
//! The grader starts the tool's own binary again as `workbook __cargo-lab-supervise <job>`. That
//! process is single-threaded, so it can set up the test's process freely between fork and exec;
//! it becomes a child subreaper (`PR_SET_CHILD_SUBREAPER`), so every process the test starts
//! stays below it whatever it does (`setsid`, double fork): when one's parent exits, it is
//! re-parented here, not to init. When the test ends (or its time is up, or the grader is gone),
//! the supervisor kills everything below it, everything in the run's cgroup, and everything
//! running as the run's user, until nothing is left, and only then reports.
//!
//! The test process itself runs in a new session (no controlling terminal: it cannot write to
//! the grader's terminal through `/dev/tty`), with the job's resource limits, `no_new_privs`, and,
//! when the grader is root, as the run's unprivileged user.
//!
//! The supervisor's report goes to the grader through file descriptor 3, which the test does not
//! inherit; the supervisor is not dumpable, so a test running as the same user cannot open it
//! through `/proc` or trace the supervisor either.

use std::io::Write;
use std::os::fd::FromRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::procs::{self, Leftover};

/// The first argument that makes the tool a supervisor.
pub const ARG: &str = "__cargo-lab-supervise";

/// The file descriptor the report is written to.
pub const REPORT_FD: i32 = 3;

/// What to run, and how.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// The test's whole environment.
    pub env: Vec<(String, String)>,
    pub limit_ms: u64,
    pub rlimits: Rlimits,
    /// (uid, gid) to run as; `None`: as the supervisor's own user.
    pub user: Option<(u32, u32)>,
    /// The run's cgroup folder, which the test joins before it starts.
    pub cgroup: Option<PathBuf>,
    /// A network namespace of the test's own, with nothing but loopback (needs root).
    #[serde(default)]
    pub private_network: bool,
}

/// Resource limits (`setrlimit`) of the test process, inherited by everything it starts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Rlimits {
    /// `RLIMIT_DATA`, in bytes.
    pub memory: u64,
    /// Processes and threads of the test's user (`RLIMIT_NPROC` counts the whole user).
    pub processes: u64,
    pub file_size: u64,
    pub cpu_secs: u64,
}

/// What the supervisor saw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// Why the test could not be started.
    pub error: Option<String>,
    /// The test process's raw wait status.
    pub wait_status: Option<i32>,
    pub timed_out: bool,
    pub elapsed_ms: u64,
    /// Processes still running after the test process ended, which were then killed.
    pub leftovers: Vec<Leftover>,
    /// Processes that could not be killed.
    pub unkilled: Vec<Leftover>,
    /// The grader went away, or asked for the test to stop, while it ran.
    pub parent_gone: bool,
}

/// Set by SIGTERM: the grader asks for the test to be stopped (`cargo lab watch`, Ctrl-C).
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigterm(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Runs as the supervisor when the tool was started as one; `None` otherwise.
pub fn run_if_asked() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != ARG {
        return None;
    }
    let job = args.next().and_then(|j| j.into_string().ok());
    // Whatever happens, the report goes to fd 3 and nothing to the test's stdout or stderr,
    // which this process shares with the test.
    let report = match job.as_deref().map(serde_json::from_str::<Job>) {
        Some(Ok(job)) => supervise(&job),
        Some(Err(e)) => Report {
            error: Some(format!("malformed job: {e}")),
            ..Report::default()
        },
        None => Report {
            error: Some("no job given".into()),
            ..Report::default()
        },
    };
    // SAFETY: fd 3 was opened for us by the grader and is used by nothing else here.
    let mut out = unsafe { std::fs::File::from_raw_fd(REPORT_FD) };
    let text = serde_json::to_string(&report).unwrap_or_default();
    let _ = out.write_all(text.as_bytes());
    Some(ExitCode::SUCCESS)
}

fn supervise(job: &Job) -> Report {
    let mut report = Report::default();
    set_cloexec(REPORT_FD);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe. The test does
    // not inherit it: exec resets caught signals.
    unsafe {
        libc::signal(
            libc::SIGTERM,
            on_sigterm as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    #[cfg(target_os = "linux")]
    {
        prctl(libc::PR_SET_DUMPABLE, 0);
        prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
    }
    // SAFETY: getppid and getpid cannot fail.
    let (parent, me) = unsafe { (libc::getppid(), libc::getpid()) };

    let mut cmd = Command::new(&job.program);
    cmd.args(&job.args)
        .env_clear()
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&job.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    let setup = ChildSetup {
        cgroup_procs: job.cgroup.as_ref().map(|d| d.join("cgroup.procs")),
        rlimits: job.rlimits,
        user: job.user,
        private_network: job.private_network,
    };
    // SAFETY: this process is single-threaded, so the closure may allocate between fork and
    // exec; it only makes system calls on the child itself.
    unsafe {
        cmd.pre_exec(move || setup.apply());
    }
    let start = Instant::now();
    let child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            report.error = Some(format!("cannot start {}: {e}", job.program.display()));
            return report;
        }
    };
    let pid = child.id() as i32;
    // The child is reaped below with waitpid(-1), which also reaps whatever is re-parented here.
    drop(child);

    let limit = Duration::from_millis(job.limit_ms);
    let everything = |all: &std::collections::BTreeMap<i32, procs::Proc>| {
        let mut pids = procs::descendants(all, me);
        if let Some((uid, _)) = job.user {
            pids.extend(procs::of_user(all, uid));
        }
        if let Some(dir) = &job.cgroup {
            pids.extend(cgroup_pids(dir));
        }
        pids.sort_unstable();
        pids.dedup();
        pids
    };
    let status = std::cell::Cell::new(None);
    let mut on_reaped = |reaped: i32, wait_status: i32| {
        if reaped == pid {
            status.set(Some(wait_status));
        }
    };
    let mut nap = Duration::from_millis(1);
    loop {
        for (reaped, wait_status) in procs::reap_children() {
            on_reaped(reaped, wait_status);
        }
        if status.get().is_some() {
            break;
        }
        if !report.timed_out && start.elapsed() >= limit {
            report.timed_out = true;
            kill_all(job, &everything, &mut on_reaped);
            continue;
        }
        // SAFETY: getppid cannot fail.
        let orphaned = unsafe { libc::getppid() } != parent;
        if !report.parent_gone && (orphaned || STOP.load(Ordering::SeqCst)) {
            report.parent_gone = true;
            kill_all(job, &everything, &mut on_reaped);
            continue;
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(10));
    }
    report.elapsed_ms = start.elapsed().as_millis() as u64;
    report.wait_status = status.get();

    // The test is over: whatever it left behind is named, then killed.
    let all = procs::snapshot();
    report.leftovers = everything(&all)
        .iter()
        .filter_map(|p| all.get(p))
        .filter(|p| !p.zombie())
        .map(|p| Leftover {
            pid: p.pid,
            command: p.comm.clone(),
            own_session: p.session != pid,
        })
        .collect();
    report.unkilled = kill_all(job, &everything, &mut |_, _| {})
        .into_iter()
        .map(|p| Leftover {
            pid: p.pid,
            command: p.comm,
            own_session: p.session != pid,
        })
        .collect();
    report
}

/// Kills the run's cgroup, then everything `find` finds, until nothing is left (10 s at most).
fn kill_all(
    job: &Job,
    find: &dyn Fn(&std::collections::BTreeMap<i32, procs::Proc>) -> Vec<i32>,
    on_reaped: &mut dyn FnMut(i32, i32),
) -> Vec<procs::Proc> {
    if let Some(dir) = &job.cgroup {
        let _ = std::fs::write(dir.join("cgroup.kill"), "1");
    }
    procs::kill_until_gone(find, Duration::from_secs(10), on_reaped)
}

#[cfg(target_os = "linux")]
fn prctl(option: libc::c_int, arg: libc::c_ulong) -> libc::c_int {
    // SAFETY: prctl with integer arguments only changes this process's own attributes.
    unsafe {
        libc::prctl(
            option,
            arg,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    }
}

fn cgroup_pids(dir: &std::path::Path) -> Vec<i32> {
    std::fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

fn set_cloexec(fd: i32) {
    // SAFETY: fcntl on a descriptor number; an invalid one only makes it fail.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        }
    }
}

/// What the test's process does to itself before it becomes the test.
struct ChildSetup {
    cgroup_procs: Option<PathBuf>,
    rlimits: Rlimits,
    user: Option<(u32, u32)>,
    private_network: bool,
}

impl ChildSetup {
    fn apply(&self) -> std::io::Result<()> {
        // Join the run's cgroup first: afterwards we may no longer write its files.
        if let Some(procs) = &self.cgroup_procs {
            std::fs::write(procs, "0")?;
        }
        // SAFETY: plain system calls on this (forked, single-threaded) process.
        unsafe {
            check(libc::setsid())?;
            if self.private_network {
                private_network()?;
            }
            let limits = [
                (libc::RLIMIT_DATA, self.rlimits.memory),
                (libc::RLIMIT_NPROC, self.rlimits.processes),
                (libc::RLIMIT_FSIZE, self.rlimits.file_size),
                (libc::RLIMIT_CPU, self.rlimits.cpu_secs),
                (libc::RLIMIT_CORE, 0),
            ];
            for (resource, value) in limits {
                // Lower only: raising a hard limit needs CAP_SYS_RESOURCE, which even root may
                // lack (containers).
                let mut current = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                check(libc::getrlimit(resource, &mut current))?;
                let value = (value as libc::rlim_t).min(current.rlim_max);
                let limit = libc::rlimit {
                    rlim_cur: value,
                    rlim_max: value,
                };
                check(libc::setrlimit(resource, &limit))?;
            }
            if let Some((uid, gid)) = self.user {
                check(libc::setgroups(0, std::ptr::null()))?;
                set_ids(uid, gid)?;
            }
            #[cfg(target_os = "linux")]
            {
                check(prctl(libc::PR_SET_NO_NEW_PRIVS, 1))?;
                // Set after the user change, which clears it.
                check(prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                ))?;
            }
            libc::umask(0o077);
        }
        Ok(())
    }
}

/// Moves this process into a network namespace of its own and brings its loopback interface up:
/// servers on 127.0.0.1 work, nothing else is reachable (and abstract Unix sockets of the host
/// are not either).
#[cfg(target_os = "linux")]
unsafe fn private_network() -> std::io::Result<()> {
    // SAFETY: the caller is the forked child; unshare, socket, ioctl and close act on it alone,
    // and `request` is a zeroed ifreq with a NUL-terminated name.
    unsafe {
        check(libc::unshare(libc::CLONE_NEWNET))?;
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        check(fd)?;
        let mut request: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo\0".iter().enumerate() {
            request.ifr_name[i] = *b as libc::c_char;
        }
        let mut result = libc::ioctl(fd, libc::SIOCGIFFLAGS as _, &mut request);
        if result >= 0 {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            result = libc::ioctl(fd, libc::SIOCSIFFLAGS as _, &request);
        }
        let error = std::io::Error::last_os_error();
        libc::close(fd);
        if result < 0 {
            return Err(error);
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
unsafe fn private_network() -> std::io::Result<()> {
    Err(std::io::Error::other("network namespaces are Linux only"))
}

#[cfg(target_os = "linux")]
unsafe fn set_ids(uid: u32, gid: u32) -> std::io::Result<()> {
    // SAFETY: the caller is the forked child; these only change its credentials.
    unsafe {
        check(libc::setresgid(gid, gid, gid))?;
        check(libc::setresuid(uid, uid, uid))?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
unsafe fn set_ids(uid: u32, gid: u32) -> std::io::Result<()> {
    // SAFETY: as above.
    unsafe {
        check(libc::setgid(gid))?;
        check(libc::setuid(uid))?;
    }
    Ok(())
}

fn check(ret: i32) -> std::io::Result<()> {
    if ret < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}
