//! What `/proc` says about the processes on the machine: who descends from whom, who runs as
//! which user, and killing them until none is left.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// One process, as `/proc/<pid>/stat` and `/proc/<pid>/status` describe it.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub session: i32,
    /// `Z`: exited, not yet reaped.
    pub state: char,
    /// The command name (at most 15 bytes, chosen by the process itself).
    pub comm: String,
    /// Real and saved user ids: a process can be signalled by a user it runs as.
    pub uids: [u32; 2],
}

impl Proc {
    pub fn zombie(&self) -> bool {
        self.state == 'Z' || self.state == 'X'
    }
}

/// A process a test left running, as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leftover {
    pub pid: i32,
    pub command: String,
    /// It had left the test's session (`setsid`): a daemon, which a process-group kill misses.
    pub own_session: bool,
}

/// Every process on the machine (that `/proc` shows us), by pid.
pub fn snapshot() -> BTreeMap<i32, Proc> {
    let mut all = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return all;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if let Some(proc) = read(pid) {
            all.insert(pid, proc);
        }
    }
    all
}

/// Reads one process; `None` when it is gone (or unreadable).
pub fn read(pid: i32) -> Option<Proc> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    let _pgrp = rest.next()?;
    let session = rest.next()?.parse().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let uids = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .map(|l| {
            let ids: Vec<u32> = l
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            [
                ids.first().copied().unwrap_or(u32::MAX),
                ids.get(2).copied().unwrap_or(u32::MAX),
            ]
        })
        .unwrap_or([u32::MAX; 2]);
    Some(Proc {
        pid,
        ppid,
        session,
        state,
        comm,
        uids,
    })
}

/// The processes below `root` in the process tree (not `root` itself).
pub fn descendants(all: &BTreeMap<i32, Proc>, root: i32) -> Vec<i32> {
    let mut children: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for p in all.values() {
        children.entry(p.ppid).or_default().push(p.pid);
    }
    let mut found = Vec::new();
    let mut stack = vec![root];
    let mut seen = BTreeSet::new();
    while let Some(pid) = stack.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            if child != root && seen.insert(child) {
                found.push(child);
                stack.push(child);
            }
        }
    }
    found
}

/// The processes running as `uid` (real or saved user id).
pub fn of_user(all: &BTreeMap<i32, Proc>, uid: u32) -> Vec<i32> {
    all.values()
        .filter(|p| p.uids.contains(&uid))
        .map(|p| p.pid)
        .collect()
}

/// How many threads processes of `uid` (real user id) have now: what `RLIMIT_NPROC` counts.
pub fn threads_of_user(uid: u32) -> u64 {
    let mut total = 0;
    for pid in snapshot().keys() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let real = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse::<u32>().ok());
        if real == Some(uid) {
            total += status
                .lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(1);
        }
    }
    total
}

pub fn kill(pid: i32, signal: i32) {
    if pid <= 1 {
        return;
    }
    // SAFETY: kill(2) has no memory-safety preconditions; ESRCH (already gone) is fine.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Reaps every child of this process that has exited, without blocking; returns the
/// (pid, raw wait status) pairs.
pub fn reap_children() -> Vec<(i32, i32)> {
    let mut reaped = Vec::new();
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes the status into a local; WNOHANG never blocks.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return reaped;
        }
        reaped.push((pid, status));
    }
}

/// Sends SIGKILL to `pid` and to everything the process finder `find` returns, again and again,
/// reaping our own children, until `find` finds nothing alive or `patience` runs out. Returns
/// the processes that were still alive at the end (none, unless the kernel would not let go).
pub fn kill_until_gone(
    mut find: impl FnMut(&BTreeMap<i32, Proc>) -> Vec<i32>,
    patience: std::time::Duration,
    mut reaped: impl FnMut(i32, i32),
) -> Vec<Proc> {
    let start = std::time::Instant::now();
    loop {
        let all = snapshot();
        let alive: Vec<&Proc> = find(&all)
            .iter()
            .filter_map(|pid| all.get(pid))
            .filter(|p| !p.zombie())
            .collect();
        for p in &alive {
            kill(p.pid, libc::SIGKILL);
        }
        for (pid, status) in reap_children() {
            reaped(pid, status);
        }
        if alive.is_empty() {
            return Vec::new();
        }
        if start.elapsed() > patience {
            return alive.into_iter().cloned().collect();
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc(pid: i32, ppid: i32) -> Proc {
        Proc {
            pid,
            ppid,
            session: pid,
            state: 'S',
            comm: String::new(),
            uids: [0, 0],
        }
    }

    #[test]
    fn descendants_follow_the_tree() {
        let all: BTreeMap<i32, Proc> = [proc(1, 0), proc(10, 1), proc(11, 10), proc(12, 11)]
            .into_iter()
            .chain([proc(20, 1)])
            .map(|p| (p.pid, p))
            .collect();
        let mut found = descendants(&all, 10);
        found.sort();
        assert_eq!(found, vec![11, 12]);
    }

    #[test]
    fn reads_this_process() {
        let me = read(std::process::id() as i32).expect("/proc/self");
        assert_eq!(me.pid, std::process::id() as i32);
        assert!(!me.zombie());
    }
}
