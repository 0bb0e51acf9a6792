//! Given code: starting the processes of a computation on this machine, and never leaving one
//! behind. The tests, the examples and the figures use it; the chapter shows how.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: guard
/// A child process that is killed and reaped when the guard is dropped, whatever happens (an
/// error, a failed assertion, a panic): no process outlives the guard, not even as a zombie.
///
/// It reads the child's standard output line by line and its standard error whole, on threads
/// of its own, so that the child never blocks on a full pipe.
pub struct ProcessGuard {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stdout: Vec<String>,
    stderr: Arc<Mutex<String>>,
    status: Option<ExitStatus>,
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
// ANCHOR_END: guard

impl ProcessGuard {
    /// Starts `command` with piped stdin, stdout and stderr; `name` names it in messages.
    pub fn spawn(name: &str, command: &mut Command) -> io::Result<ProcessGuard> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let collected = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buffer = [0_u8; 4096];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut buffer) {
                lock(&collected).push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Ok(ProcessGuard {
            name: name.to_string(),
            child,
            stdin,
            lines,
            stdout: Vec::new(),
            stderr,
            status: None,
        })
    }

    /// The name given to [`spawn`](Self::spawn).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Writes `lines` to the child's stdin, each followed by a line break.
    pub fn send_lines(&mut self, lines: &[&str]) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin is closed"))?;
        for line in lines {
            writeln!(stdin, "{line}")?;
        }
        stdin.flush()
    }

    /// Closes the child's stdin: it reads the end of its input.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Everything the child has written to stdout so far, line by line.
    pub fn stdout(&mut self) -> &[String] {
        while let Ok(line) = self.lines.try_recv() {
            self.stdout.push(line);
        }
        &self.stdout
    }

    /// Everything the child has written to stderr so far.
    pub fn stderr(&self) -> String {
        lock(&self.stderr).clone()
    }

    /// Waits until the child has written the line `line` to stdout. An error, saying what it
    /// wrote and how it ended, if it ends without writing it or `limit` passes first.
    pub fn wait_for_line(&mut self, line: &str, limit: Duration) -> Result<(), String> {
        if self.stdout().iter().any(|seen| seen == line) {
            return Ok(());
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(seen) => {
                    let found = seen == line;
                    self.stdout.push(seen);
                    if found {
                        return Ok(());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let report = self.report();
                    return Err(format!(
                        "{} did not print {line:?} within {limit:?}{report}",
                        self.name
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.wait_exit(Duration::from_secs(1));
                    let report = self.report();
                    return Err(format!(
                        "{} closed its stdout without printing {line:?}{report}",
                        self.name
                    ));
                }
            }
        }
    }

    // ANCHOR: wait_exit
    /// Waits at most `limit` for the child to exit by itself, and reaps it. An error if it is
    /// still running when `limit` is up (it keeps running: [`kill`](Self::kill) it, or drop the
    /// guard). After it exits, everything it wrote to stdout is in [`stdout`](Self::stdout).
    pub fn wait_exit(&mut self, limit: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.status {
                return Ok(status);
            }
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.reaped(status);
                    return Ok(status);
                }
                Ok(None) if Instant::now() >= deadline => {
                    let report = self.report();
                    return Err(format!(
                        "{} was still running {limit:?} later{report}",
                        self.name
                    ));
                }
                Ok(None) => thread::sleep(Duration::from_millis(5)),
                Err(error) => return Err(format!("cannot wait for {}: {error}", self.name)),
            }
        }
    }
    // ANCHOR_END: wait_exit

    /// Whether the child has exited (it is then reaped, and everything it wrote to stdout is in
    /// [`stdout`](Self::stdout)).
    pub fn has_exited(&mut self) -> bool {
        if self.status.is_none()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            self.reaped(status);
        }
        self.status.is_some()
    }

    /// Records how the child ended, and takes the lines the reader thread still holds: the
    /// child has exited, so its stdout ends soon (at most 1 s more, in case a process it started
    /// still holds the pipe open).
    fn reaped(&mut self, status: ExitStatus) {
        self.status = Some(status);
        let deadline = Instant::now() + Duration::from_secs(1);
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.stdout.push(line);
        }
    }

    /// Kills the child (if it is still running) and reaps it.
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.status {
            return Ok(status);
        }
        // An error here means it has already exited: wait() reaps it either way.
        let _ = self.child.kill();
        let status = self.child.wait()?;
        self.status = Some(status);
        Ok(status)
    }

    /// Stops the child with `SIGSTOP`, as if its machine had frozen or its network had gone
    /// quiet: it keeps its connections open but does nothing, and sends nothing, until killed.
    /// It runs the system's `kill -STOP PID` (the lab forbids `unsafe`, so no raw system call).
    #[cfg(unix)]
    pub fn freeze(&self) -> io::Result<()> {
        let status = Command::new("kill")
            .args(["-STOP", &self.id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "kill -STOP {} {status}",
                self.id()
            )))
        }
    }

    /// What the child wrote so far and how it ended, for messages.
    pub fn report(&mut self) -> String {
        let status = match self.status {
            Some(status) => format!("it exited with {status}"),
            None => "it is still running".to_string(),
        };
        let stdout = self.stdout().join("\n    ");
        let stderr = self.stderr();
        let stderr = stderr.trim_end().replace('\n', "\n    ");
        format!("; {status}\n  stdout:\n    {stdout}\n  stderr:\n    {stderr}")
    }
}

// ANCHOR: ports
/// `count` TCP ports on 127.0.0.1 that were free a moment ago: each is bound to port 0 (the
/// system picks a free one), read, and released. Another program could take one before we use
/// it; [`LocalCluster::start`] tries again with new ports when that happens.
pub fn free_ports(count: usize) -> io::Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|listener| listener.local_addr().map(|address| address.port()))
        .collect()
}

/// Writes a timely host file: one `127.0.0.1:PORT` line per process, in order of index.
pub fn write_hostfile(path: &Path, ports: &[u16]) -> io::Result<()> {
    let lines: String = ports
        .iter()
        .map(|port| format!("127.0.0.1:{port}\n"))
        .collect();
    std::fs::write(path, lines)
}
// ANCHOR_END: ports

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a new, empty directory.
    pub fn new() -> io::Result<ScratchDir> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "lab-cluster-{}-{}-{stamp}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)?;
        Ok(ScratchDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

// ANCHOR: cluster
/// The processes of one timely computation on this machine, each a [`ProcessGuard`]: dropping
/// the cluster kills and reaps every one of them.
pub struct LocalCluster {
    /// The processes, in order of index.
    pub processes: Vec<ProcessGuard>,
    /// The host file they share.
    pub hostfile: PathBuf,
}

impl LocalCluster {
    /// Starts `processes` copies of `program`, process `i` with the arguments `args` followed by
    /// `-n PROCESSES -p i -h HOSTFILE`, where the host file (written in `dir`) lists free ports
    /// on 127.0.0.1. Waits, at most `limit`, until every process has printed `@ready`.
    ///
    /// If a process fails to start because a port was taken in the meantime ("Address already
    /// in use"), kills them all and tries again with new ports, up to 3 times in all. Any other
    /// failure is an error that says what each process printed.
    pub fn start(
        program: &Path,
        processes: usize,
        args: &[&str],
        dir: &Path,
        limit: Duration,
    ) -> Result<LocalCluster, String> {
        let mut failures = Vec::new();
        for attempt in 1..=3 {
            let hostfile = dir.join(format!("hosts-{attempt}.txt"));
            let ports = free_ports(processes).map_err(|e| format!("no free port: {e}"))?;
            write_hostfile(&hostfile, &ports).map_err(|e| format!("cannot write: {e}"))?;
            let mut started = Vec::new();
            for index in 0..processes {
                let mut command = Command::new(program);
                command.args(args).args([
                    "-n",
                    &processes.to_string(),
                    "-p",
                    &index.to_string(),
                    "-h",
                ]);
                command.arg(&hostfile);
                let guard = ProcessGuard::spawn(&format!("process {index}"), &mut command)
                    .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
                started.push(guard);
            }
            let mut cluster = LocalCluster {
                processes: started,
                hostfile,
            };
            match cluster.wait_ready(limit) {
                Ok(()) => return Ok(cluster),
                Err(failure) if failure.contains("Address already in use") => {
                    failures.push(failure);
                    // Dropping the cluster kills and reaps every process; then try new ports.
                }
                Err(failure) => return Err(failure),
            }
        }
        Err(format!(
            "the processes did not start, 3 times over, because an address was in use (if \
             this happens every time, two processes are listening on the same address: does \
             each process take its own index from -p?):\n{}",
            failures.join("\n")
        ))
    }

    /// Waits until every process has printed `@ready`; fails as soon as one exits before.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            let mut ready = 0;
            for index in 0..self.processes.len() {
                let process = &mut self.processes[index];
                // First whether it has exited (which takes all it wrote), then what it wrote: a
                // process may print `@ready`, finish its work and exit between two looks.
                let exited = process.has_exited();
                if process.stdout().iter().any(|line| line == "@ready") {
                    ready += 1;
                } else if exited || Instant::now() >= deadline {
                    let report = process.report();
                    let why = if exited {
                        "exited before it was ready (printed \"@ready\")".to_string()
                    } else {
                        format!("did not get ready (print \"@ready\") within {limit:?}")
                    };
                    let mut message = format!("{} {why}{report}", process.name());
                    for other in self.processes.iter_mut() {
                        let _ = other.kill();
                        let report = other.report();
                        message.push_str(&format!("\n{}{report}", other.name()));
                    }
                    return Err(message);
                }
            }
            if ready == self.processes.len() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The ids of the processes.
    pub fn ids(&self) -> Vec<u32> {
        self.processes.iter().map(ProcessGuard::id).collect()
    }
}
// ANCHOR_END: cluster

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
