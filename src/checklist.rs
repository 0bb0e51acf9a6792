//! A run of named checks, printed one line each as they finish, ending in `N passed, N failed`.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a check found: a short note on success, or the reasons it failed (one per line).
pub type Finding = Result<String, String>;

#[derive(Debug, Default)]
pub struct Checklist {
    pub passed: usize,
    pub failed: usize,
    /// Where its lines go: standard output, or its turn in a [`Relay`].
    out: Option<(Arc<Relay>, usize)>,
}

impl Checklist {
    /// A checklist whose lines are the `turn`th part of `relay`'s output.
    pub fn relayed(relay: &Arc<Relay>, turn: usize) -> Checklist {
        Checklist {
            out: Some((relay.clone(), turn)),
            ..Checklist::default()
        }
    }

    /// Adds another checklist's tally to this one.
    pub fn add(&mut self, other: &Checklist) {
        self.passed += other.passed;
        self.failed += other.failed;
    }

    /// Prints `text` (a line or the start of one) where this checklist's lines go.
    pub fn say(&self, text: &str) {
        match &self.out {
            Some((relay, turn)) => relay.write(*turn, text),
            None => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
        }
    }

    /// Runs `check`, announcing it first (checks can take minutes) and its outcome after.
    /// Returns whether it passed.
    pub fn check(&mut self, name: &str, check: impl FnOnce() -> Finding) -> bool {
        self.say(&format!("{name} ... "));
        let start = Instant::now();
        let finding = check();
        self.print_outcome(&finding, start.elapsed())
    }

    /// Records a check that ran elsewhere (on another thread) and took `elapsed`.
    pub fn record(&mut self, name: &str, finding: Finding, elapsed: Duration) -> bool {
        self.say(&format!("{name} ... "));
        self.print_outcome(&finding, elapsed)
    }

    /// Records a finding replayed from the cache (nothing it depends on has changed).
    pub fn record_cached(&mut self, name: &str, finding: Finding) -> bool {
        self.say(&format!("{name} ... "));
        self.print_with(&finding, " (cached)".into())
    }

    fn print_outcome(&mut self, finding: &Finding, elapsed: Duration) -> bool {
        self.print_with(finding, took(elapsed))
    }

    fn print_with(&mut self, finding: &Finding, took: String) -> bool {
        let mut text = match finding {
            Ok(note) if note.is_empty() => format!("ok{took}\n"),
            Ok(note) => format!("ok{took}: {note}\n"),
            Err(_) => format!("FAILED{took}\n"),
        };
        if let Err(why) = finding {
            for line in why.lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
        self.say(&text);
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

/// Output from several workers, printed as if they had run one after another: the worker whose
/// turn it is prints at once, the others' text waits until every earlier turn has finished.
pub struct Relay {
    state: Mutex<RelayState>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Relay")
    }
}

struct RelayState {
    /// The turn that prints at once.
    current: usize,
    /// What each later turn has written so far, and whether it has finished.
    waiting: Vec<(String, bool)>,
    /// Where the text goes (standard output, unless a test looks at it).
    sink: Box<dyn FnMut(&str) + Send>,
}

impl Relay {
    /// A relay of `turns` turns that prints to standard output.
    pub fn new(turns: usize) -> Relay {
        Relay::with_sink(
            turns,
            Box::new(|text| {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }),
        )
    }

    fn with_sink(turns: usize, sink: Box<dyn FnMut(&str) + Send>) -> Relay {
        Relay {
            state: Mutex::new(RelayState {
                current: 0,
                waiting: vec![(String::new(), false); turns],
                sink,
            }),
        }
    }

    /// Writes `text` for `turn`: now if it is that turn's go, later otherwise.
    pub fn write(&self, turn: usize, text: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if turn == state.current {
            (state.sink)(text);
        } else if let Some((held, _)) = state.waiting.get_mut(turn) {
            held.push_str(text);
        }
    }

    /// Says that `turn` has written everything: the next turns' held text is printed, up to the
    /// first one still running, which prints at once from then on.
    pub fn finish(&self, turn: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = state.waiting.get_mut(turn) {
            slot.1 = true;
        }
        while state.waiting.get(state.current).is_some_and(|w| w.1) {
            state.current += 1;
            let current = state.current;
            if let Some((held, _)) = state.waiting.get_mut(current) {
                let held = std::mem::take(held);
                (state.sink)(&held);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(turns: usize) -> (Arc<Relay>, Arc<Mutex<String>>) {
        let printed = Arc::new(Mutex::new(String::new()));
        let sink = printed.clone();
        let relay = Relay::with_sink(
            turns,
            Box::new(move |text| sink.lock().unwrap().push_str(text)),
        );
        (Arc::new(relay), printed)
    }

    #[test]
    fn a_relay_prints_turns_in_order_whatever_order_they_write_in() {
        let (relay, printed) = relay(3);
        relay.write(1, "b1 ");
        relay.write(2, "c1 ");
        relay.write(0, "a1 ");
        assert_eq!(*printed.lock().unwrap(), "a1 ", "turn 0 prints at once");
        relay.write(2, "c2 ");
        relay.finish(2);
        relay.write(1, "b2 ");
        assert_eq!(
            *printed.lock().unwrap(),
            "a1 ",
            "later turns wait for turn 0"
        );
        relay.finish(0);
        assert_eq!(
            *printed.lock().unwrap(),
            "a1 b1 b2 ",
            "turn 1 is printed when 0 ends, and turn 2 still waits for it"
        );
        relay.write(1, "b3 ");
        relay.finish(1);
        assert_eq!(*printed.lock().unwrap(), "a1 b1 b2 b3 c1 c2 ");
    }

    #[test]
    fn relayed_checklists_count_and_print_their_own_checks() {
        let (relay, printed) = relay(2);
        let mut first = Checklist::relayed(&relay, 0);
        let mut second = Checklist::relayed(&relay, 1);
        second.check("two", || Err("why\nand why".into()));
        first.check("one", || Ok("fine".into()));
        relay.finish(0);
        relay.finish(1);
        let mut total = Checklist::default();
        total.add(&first);
        total.add(&second);
        assert_eq!((total.passed, total.failed), (1, 1));
        assert_eq!(
            *printed.lock().unwrap(),
            "one ... ok: fine\ntwo ... FAILED\n    why\n    and why\n"
        );
    }
}
