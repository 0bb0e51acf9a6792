//! The student's commands against the fixture workbook: `cargo lab hint` shows one hint at a
//! time, and `cargo lab watch` re-runs the tests once per change and leaves nothing running
//! when Ctrl-C stops it.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Fixture;

/// How long a test waits for the tool to do something it does at once.
const PATIENCE: Duration = Duration::from_secs(120);

const SOLVED: &str = "//! Solved.\n\npub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n\npub fn double(x: i64) -> i64 {\n    2 * x\n}\n";

#[test]
fn hint_shows_the_next_hint_each_time_then_says_there_are_no_more() {
    let fx = Fixture::new("hints");
    fx.edit(
        "book/01-adder.md",
        "Write `add`.",
        "Write `add`.\n\n<details><summary>Hint 1</summary>\n\nThe operator is `+`.\n\n</details>\n\n<details><summary>Hint 2</summary>\n\n`a + b`.\n\n</details>",
    );
    // The fixture's target directory outlives the test, and with it what was shown.
    fx.lab(&["hint", "1.1", "--reset"]);
    let first = fx.lab(&["hint", "1.1"]);
    assert!(first.success, "{}", first.text);
    assert!(first.text.contains("hint 1 of 2: Hint 1"), "{}", first.text);
    assert!(
        first.text.contains("The operator is `+`."),
        "{}",
        first.text
    );
    assert!(!first.text.contains("`a + b`."), "{}", first.text);
    let second = fx.lab(&["hint", "1.1"]);
    assert!(second.text.contains("hint 2 of 2"), "{}", second.text);
    assert!(second.text.contains("`a + b`."), "{}", second.text);
    let third = fx.lab(&["hint", "1.1"]);
    assert!(
        third.text.contains("You have seen all 2 hints"),
        "{}",
        third.text
    );
    let all = fx.lab(&["hint", "1.1", "--all"]);
    assert!(
        all.text.contains("hint 1 of 2") && all.text.contains("hint 2 of 2"),
        "{}",
        all.text
    );
    fx.lab(&["hint", "1.1", "--reset"]);
    assert!(fx.lab(&["hint", "1.1"]).text.contains("hint 1 of 2"));
    // Exercise 1.2 has none, and 9.9 does not exist.
    assert!(fx.lab(&["hint", "1.2"]).text.contains("has no hints"));
    let unknown = fx.lab(&["hint", "9.9"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.text);
    assert!(
        unknown.text.contains("no exercise \"9.9\""),
        "{}",
        unknown.text
    );
}

/// `cargo lab watch` on the fixture, with its output line by line.
struct Watch {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(fx: &Fixture) -> Watch {
        let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixture-targets")
            .join(fx.root.file_name().unwrap());
        let mut child = Command::new(env!("CARGO_BIN_EXE_workbook"))
            .arg("--root")
            .arg(&fx.root)
            .args(["watch", "01-adder"])
            .env("CARGO_TARGET_DIR", target)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own group, as a terminal's foreground job: Ctrl-C goes to the whole group.
            .process_group(0)
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        return;
                    }
                }
            });
        }
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `text`.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.seen.iter().any(|l| l.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "waited {PATIENCE:?} for `{text}` from cargo lab watch; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Collects what it prints for `period`.
    fn settle(&mut self, period: Duration) {
        let until = Instant::now() + period;
        while let Ok(line) = self
            .lines
            .recv_timeout(until.saturating_duration_since(Instant::now()))
        {
            self.seen.push(line);
        }
    }

    fn runs(&self) -> usize {
        self.seen
            .iter()
            .filter(|l| l.starts_with("== run "))
            .count()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the group we made; a no-op when it is gone.
        unsafe {
            libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

#[test]
fn watch_reruns_once_per_change_and_ctrl_c_ends_every_child() {
    let fx = Fixture::new("watch");
    let mut watch = Watch::start(&fx);
    watch.wait_for("== run 1");
    // The first failing exercise, with the command for its hints.
    watch.wait_for("cargo lab hint 1.1");

    // One save: exactly one more run, which passes.
    fx.write("labs/01-adder/src/lib.rs", SOLVED);
    watch.wait_for("== run 2");
    watch.wait_for("Every exercise of 01-adder passes");
    watch.settle(Duration::from_secs(3));
    assert_eq!(
        watch.runs(),
        2,
        "one change, one run:\n{}",
        watch.seen.join("\n")
    );

    // A change whose test hangs: Ctrl-C while it runs must end the test process too.
    let pid_file = fx.root.join("test.pid");
    fx.write(
        "labs/01-adder/src/lib.rs",
        &SOLVED.replace(
            "    a + b\n",
            &format!(
                "    std::fs::write({:?}, std::process::id().to_string()).unwrap();\n    std::thread::sleep(std::time::Duration::from_secs(600));\n    a + b\n",
                pid_file.display().to_string()
            ),
        ),
    );
    watch.wait_for("== run 3");
    let deadline = Instant::now() + PATIENCE;
    let pid: libc::pid_t = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            break pid;
        }
        assert!(
            Instant::now() < deadline,
            "the hanging test never started:\n{}",
            watch.seen.join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // SAFETY: kill(2) with SIGINT on the watch's group, as a terminal's Ctrl-C does.
    unsafe {
        libc::kill(-(watch.child.id() as libc::pid_t), libc::SIGINT);
    }
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = watch.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "cargo lab watch did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success(), "Ctrl-C is not a success");
    // The test process is gone (killed, and reaped once its parent exited).
    let deadline = Instant::now() + PATIENCE;
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            Instant::now() < deadline,
            "the test process {pid} outlived cargo lab watch"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
