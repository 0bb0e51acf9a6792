//! A cgroup (v2) per test run, where the grader may create one: every process the test starts
//! stays in it whatever it does to its session or process group, `cgroup.kill` ends them all at
//! once, and with the memory and pids controllers delegated, `memory.max` and `pids.max` bound
//! the whole run rather than each process.
//!
//! The grader makes one folder of its own under its current cgroup, `cargo-lab-<pid>-<n>` (one per
//! sandbox), with a child `run-<n>` per test run. Nothing else on the machine is touched: when the controllers are
//! not already enabled for our cgroup's children, the runs get `cgroup.kill` only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The grader's own cgroup folder; removed on drop.
#[derive(Debug)]
pub struct Cgroups {
    dir: PathBuf,
    /// `memory.max` and `pids.max` are available in each run's cgroup.
    pub limits: bool,
    next: AtomicU64,
}

/// One test run's cgroup.
#[derive(Debug)]
pub struct RunGroup {
    pub dir: PathBuf,
}

impl Cgroups {
    /// A cgroup folder of our own, or `None` (with the reason) where none can be made: no cgroup
    /// v2 hierarchy, or not one we may write.
    pub fn create() -> Result<Cgroups, String> {
        if !cfg!(target_os = "linux") {
            return Err("cgroups are Linux only".into());
        }
        let mount = v2_mount().ok_or("no cgroup v2 hierarchy is mounted")?;
        let own = std::fs::read_to_string("/proc/self/cgroup")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("0::"))
                    .map(str::to_owned)
            })
            .ok_or("this process is in no cgroup v2")?;
        let base = mount.join(own.trim_start_matches('/'));
        remove_stale(&base);
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("cargo-lab-{}-{n}", std::process::id()));
        std::fs::create_dir(&dir)
            .map_err(|e| format!("cannot create a cgroup under {}: {e}", base.display()))?;
        if !dir.join("cgroup.procs").is_file() {
            let _ = std::fs::remove_dir(&dir);
            return Err(format!("{} is not a cgroup v2 folder", base.display()));
        }
        let available = std::fs::read_to_string(dir.join("cgroup.controllers")).unwrap_or_default();
        let has = |c: &str| available.split_whitespace().any(|a| a == c);
        // Our folder holds no process, so it may hand controllers to its children.
        let limits = has("memory")
            && has("pids")
            && std::fs::write(dir.join("cgroup.subtree_control"), "+memory +pids").is_ok();
        Ok(Cgroups {
            dir,
            limits,
            next: AtomicU64::new(0),
        })
    }

    /// A fresh cgroup for one run, with the limits set where they are available.
    pub fn run_group(&self, memory_bytes: u64, processes: u64) -> std::io::Result<RunGroup> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.join(format!("run-{n}"));
        std::fs::create_dir(&dir)?;
        if self.limits {
            std::fs::write(dir.join("memory.max"), memory_bytes.to_string())?;
            let _ = std::fs::write(dir.join("memory.swap.max"), "0");
            std::fs::write(dir.join("pids.max"), processes.to_string())?;
        }
        Ok(RunGroup { dir })
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

impl RunGroup {
    pub fn procs_file(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }

    /// The processes in the group.
    pub fn pids(&self) -> Vec<i32> {
        std::fs::read_to_string(self.procs_file())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// Kills every process in the group (`cgroup.kill`, or one by one on kernels older than
    /// 5.14), waits until it is empty, and removes it. Returns whether it emptied. It reaps
    /// nothing: only the supervisor, whose children they are, may reap.
    pub fn kill_and_remove(&self, patience: Duration) -> bool {
        let start = Instant::now();
        loop {
            if std::fs::write(self.dir.join("cgroup.kill"), "1").is_err() {
                for pid in self.pids() {
                    super::procs::kill(pid, libc::SIGKILL);
                }
            }
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return true;
            }
            if start.elapsed() > patience {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Removes the folders of graders that are gone (killed before they could clean up): empty
/// `cargo-lab-<pid>-<n>` folders, with their empty `run-<n>` children, whose process is dead.
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("cargo-lab-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        let dir = entry.path();
        if let Ok(children) = std::fs::read_dir(&dir) {
            for child in children.flatten() {
                if child.file_name().to_string_lossy().starts_with("run-") {
                    let _ = std::fs::remove_dir(child.path());
                }
            }
        }
        let _ = std::fs::remove_dir(&dir);
    }
}

/// Where the cgroup v2 hierarchy is mounted (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on a
/// hybrid system).
fn v2_mount() -> Option<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    for line in info.lines() {
        // "36 25 0:31 / /sys/fs/cgroup rw,... - cgroup2 cgroup2 rw"
        let (before, after) = line.split_once(" - ")?;
        if after.split_whitespace().next() == Some("cgroup2") {
            let mount_point = before.split_whitespace().nth(4)?;
            return Some(Path::new(&unescape(mount_point)).to_path_buf());
        }
    }
    None
}

/// mountinfo writes spaces and a few other bytes as octal escapes (`\040`).
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = chars.clone().take(3).collect();
            if let Ok(byte) = u8::from_str_radix(&digits, 8) {
                out.push(byte as char);
                for _ in 0..3 {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn mountinfo_escapes_are_read() {
        assert_eq!(super::unescape(r"/a\040b"), "/a b");
        assert_eq!(super::unescape("/sys/fs/cgroup"), "/sys/fs/cgroup");
    }
}
