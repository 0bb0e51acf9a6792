//! A run of named checks, printed one line each as they finish, ending in `N passed, N failed`.

use std::io::Write;
use std::time::{Duration, Instant};

/// What a check found: a short note on success, or the reasons it failed (one per line).
pub type Finding = Result<String, String>;

#[derive(Debug, Default)]
pub struct Checklist {
    pub passed: usize,
    pub failed: usize,
}

impl Checklist {
    /// Runs `check`, announcing it first (checks can take minutes) and its outcome after.
    /// Returns whether it passed.
    pub fn check(&mut self, name: &str, check: impl FnOnce() -> Finding) -> bool {
        print!("{name} ... ");
        let _ = std::io::stdout().flush();
        let start = Instant::now();
        let finding = check();
        self.print_outcome(&finding, start.elapsed())
    }

    /// Records a check that ran elsewhere (on another thread) and took `elapsed`.
    pub fn record(&mut self, name: &str, finding: Finding, elapsed: Duration) -> bool {
        print!("{name} ... ");
        self.print_outcome(&finding, elapsed)
    }

    /// Records a finding replayed from the cache (nothing it depends on has changed).
    pub fn record_cached(&mut self, name: &str, finding: Finding) -> bool {
        print!("{name} ... ");
        self.print_with(&finding, " (cached)".into())
    }

    fn print_outcome(&mut self, finding: &Finding, elapsed: Duration) -> bool {
        self.print_with(finding, took(elapsed))
    }

    fn print_with(&mut self, finding: &Finding, took: String) -> bool {
        match finding {
            Ok(note) if note.is_empty() => println!("ok{took}"),
            Ok(note) => println!("ok{took}: {note}"),
            Err(why) => {
                println!("FAILED{took}");
                for line in why.lines() {
                    println!("    {line}");
                }
            }
        }
        if finding.is_ok() {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        finding.is_ok()
    }

    /// The closing line.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

fn took(elapsed: Duration) -> String {
    if elapsed < Duration::from_millis(500) {
        String::new()
    } else {
        format!(" ({:.1} s)", elapsed.as_secs_f64())
    }
}
