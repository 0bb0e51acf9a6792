//! Stopping a child politely: SIGTERM first, SIGKILL only after a grace period; and stopping a
//! whole process group at once. Linux (the `kill` program's options differ elsewhere).
//!
//! ```console
//! $ cargo run -p lab-processes --example stop_politely
//! ```
//!
//! Signals are sent with the `kill` program rather than with `libc::kill`, which would need
//! `unsafe`: the lab has none.

#[cfg(unix)]
fn main() -> std::io::Result<()> {
    polite::main()
}

#[cfg(not(unix))]
fn main() {
    println!("this example sends Unix signals: run it on Linux");
}

#[cfg(unix)]
mod polite {
    use std::env;
    use std::io::{self, BufRead, BufReader};
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::thread;
    use std::time::{Duration, Instant};

    pub fn main() -> io::Result<()> {
        if env::args().nth(1).as_deref() == Some("sleeper") {
            sleep_until_orphaned();
            return Ok(());
        }
        let me = env::current_exe()?;
        let grace = Duration::from_secs(1);

        // A child that does not handle SIGTERM: its default action ends the process.
        let mut sleeper = Command::new(&me).arg("sleeper").spawn()?;
        report("a sleeper", stop(&mut sleeper, grace)?);

        // A child that ignores SIGTERM: only SIGKILL, after the grace period, ends it. (It says
        // "ready" once it ignores SIGTERM; a signal sent before that would end it at once.)
        let mut stubborn = Command::new("sh")
            .args([
                "-c",
                "trap '' TERM; echo ready; while :; do sleep 0.1; done",
            ])
            .stdout(Stdio::piped())
            .spawn()?;
        wait_until_ready(&mut stubborn)?;
        report("a shell that ignores SIGTERM", stop(&mut stubborn, grace)?);

        // ANCHOR: group
        // A shell with two children of its own. In a process group of its own (`process_group(0)`:
        // the group's id is the child's pid), one signal reaches all three.
        let mut family = Command::new("sh")
            .args(["-c", "sleep 60 & sleep 60 & echo ready; wait"])
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()?;
        let group = family.id();
        wait_until_ready(&mut family)?; // the shell has started both children
        println!(
            "group {group}: {} processes running",
            running_in_group(group)?
        );
        signal("TERM", &format!("-{group}"))?; // a negative id means "the whole group"
        report("a process group of three", family.wait()?);
        // ANCHOR_END: group
        // The signal reached the shell's children too: none of the group runs any more. (They
        // may linger as zombies until the process that adopted them reaps them.)
        let running = (0..50)
            .map(|_| {
                thread::sleep(Duration::from_millis(20));
                running_in_group(group)
            })
            .find(|running| !matches!(running, Ok(n) if *n > 0))
            .unwrap_or(Ok(1))?;
        println!("group {group}: {running} processes running");
        Ok(())
    }

    // ANCHOR: stop
    /// Asks `child` to stop with SIGTERM, waits up to `grace` for it to exit, and kills it with
    /// SIGKILL (which cannot be caught or ignored) if it is still running. Either way the child
    /// has been reaped when this returns.
    fn stop(child: &mut Child, grace: Duration) -> io::Result<ExitStatus> {
        signal("TERM", &child.id().to_string())?;
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            thread::sleep(Duration::from_millis(10));
        }
        child.kill()?;
        child.wait()
    }

    /// Sends `signal` with the `kill` program: to process `target`, or to every process of a
    /// group when `target` is minus the group's id.
    fn signal(signal: &str, target: &str) -> io::Result<()> {
        let status = Command::new("kill")
            .args(["-s", signal, "--", target])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "kill -s {signal} {target}: {status}"
            )))
        }
    }
    // ANCHOR_END: stop

    /// How many processes of group `group` are running, as `ps` lists them: every process,
    /// with its group id and its state, where `Z` (a zombie) has ended.
    fn running_in_group(group: u32) -> io::Result<usize> {
        let listing = Command::new("ps")
            .args(["-e", "-o", "pgid=,stat="])
            .output()?;
        let listing = String::from_utf8_lossy(&listing.stdout);
        let group = group.to_string();
        Ok(listing
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .filter(|fields| matches!(fields[..], [pgid, stat] if pgid == group && !stat.starts_with('Z')))
            .count())
    }

    /// Waits for the first line `child` writes on its (piped) stdout.
    fn wait_until_ready(child: &mut Child) -> io::Result<()> {
        let stdout = child.stdout.as_mut().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        Ok(())
    }

    fn report(what: &str, status: ExitStatus) {
        match status.signal() {
            Some(15) => println!("{what}: ended by SIGTERM, within the grace period"),
            Some(9) => println!("{what}: ignored SIGTERM, ended by SIGKILL after the grace period"),
            _ => println!("{what}: {status}"),
        }
    }

    /// The sleeper's part: sleep until the parent is gone (or a minute has passed).
    fn sleep_until_orphaned() {
        let parent = std::os::unix::process::parent_id();
        let give_up = Instant::now() + Duration::from_secs(60);
        while Instant::now() < give_up && std::os::unix::process::parent_id() == parent {
            thread::sleep(Duration::from_millis(20));
        }
    }
}
