//! Judging a build of a lab against its graded tests: that a correct version passes every test on
//! every run, and that a wrong one gets the same grade on every run.
//!
//! Test processes run several at a time (most of a test's time is often a wait, not work), each
//! still alone in its own process with its own time limit, exactly as the grader runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use anyhow::Result;

use crate::cargo::tail;
use crate::manifest::{GradedTest, Mode, TestName};
use crate::runner::{Run, Verdict};
use crate::suite::Suite;

/// The environment variable `lab_support::loom` reads to lower every model's preemption bound.
pub const LOOM_BOUND_DELTA: &str = "LAB_LOOM_BOUND_DELTA";

/// Caps how many test processes run at once, across every thread that judges.
pub struct Slots {
    free: Mutex<usize>,
    changed: Condvar,
}

impl Slots {
    pub fn new(count: usize) -> Slots {
        Slots {
            free: Mutex::new(count.max(1)),
            changed: Condvar::new(),
        }
    }

    fn take(&self) -> SlotGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.changed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        SlotGuard { slots: self }
    }
}

struct SlotGuard<'a> {
    slots: &'a Slots,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.slots.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.slots.changed.notify_one();
    }
}

/// Runs every job (a test, and the environment to run it in) in its own process, several at
/// once, and returns the runs in job order.
pub fn run_many(
    suite: &Suite,
    jobs: &[(&GradedTest, &[(&str, &str)])],
    slots: &Slots,
) -> Result<Vec<Run>> {
    let results: Vec<Mutex<Option<Result<Run>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for (i, (test, env)) in jobs.iter().enumerate() {
            let slot = slots.take();
            let results = &results;
            scope.spawn(move || {
                let run = suite.run_with_env(test, env);
                drop(slot);
                *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(run);
            });
        }
    });
    results
        .into_iter()
        .map(|cell| {
            cell.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every job ran")
        })
        .collect()
}

/// Proves that a correct version (the solution, an alternative) passes every test of `tests`
/// on each of `repeat` runs. The note says how much was run; the failure names each test that
/// failed, in which runs, and why.
pub fn passes_every_run(
    suite: &Suite,
    tests: &[GradedTest],
    repeat: usize,
    slots: &Slots,
) -> Result<Result<String, String>> {
    let mut failures: BTreeMap<&TestName, Vec<(usize, Run)>> = BTreeMap::new();
    let mut slowest: Option<(Duration, &TestName)> = None;
    // The first round alone, so that a broken version fails fast; then the repeats together.
    for round in [0..1, 1..repeat.max(1)] {
        let jobs: Vec<(&GradedTest, &[(&str, &str)])> = round
            .clone()
            .flat_map(|_| tests.iter().map(|t| (t, &[][..])))
            .collect();
        if jobs.is_empty() {
            continue;
        }
        let runs = run_many(suite, &jobs, slots)?;
        for (k, ((test, _), run)) in jobs.iter().zip(runs).enumerate() {
            if slowest.is_none_or(|(took, _)| run.elapsed > took) {
                slowest = Some((run.elapsed, &test.test));
            }
            if !run.verdict.passed() {
                failures
                    .entry(&test.test)
                    .or_default()
                    .push((round.start + k / tests.len() + 1, run));
            }
        }
        if !failures.is_empty() {
            break;
        }
    }
    if failures.is_empty() {
        let loom = tests.iter().filter(|t| t.mode == Mode::Loom).count();
        let mut note = format!("{} tests", tests.len());
        if loom > 0 {
            note.push_str(&format!(" ({loom} under loom)"));
        }
        note.push_str(&format!(" × {} runs", repeat.max(1)));
        if let Some((took, test)) = slowest {
            note.push_str(&format!("; slowest {test} in {:.1} s", took.as_secs_f64()));
        }
        return Ok(Ok(note));
    }
    let mut lines = Vec::new();
    for (test, runs) in failures {
        let which: Vec<String> = runs.iter().map(|(n, _)| n.to_string()).collect();
        let (_, first) = &runs[0];
        lines.push(format!(
            "{test}: {} (run {})",
            first.verdict.describe(),
            which.join(", ")
        ));
        lines.push(indent(&tail(&first.output, 12)));
    }
    Ok(Err(lines.join("\n")))
}

/// How a wrong version fared: for each exercise, in which runs it failed.
#[derive(Debug, Default)]
pub struct Grades {
    pub repeat: usize,
    /// Per exercise: the runs (0-based) in which some test of it failed.
    pub failed_runs: BTreeMap<String, BTreeSet<usize>>,
    /// Per exercise: the tests that failed, with the runs they failed in and the first verdict.
    pub failing: BTreeMap<String, Vec<(TestName, Mode, BTreeSet<usize>, Verdict)>>,
    /// Plain tests that ran into the grader's time limit instead of failing on a bounded wait.
    pub hung: Vec<(TestName, Duration)>,
}

impl Grades {
    /// Exercises that fail in every run.
    pub fn stable_failures(&self) -> Vec<&String> {
        self.failed_runs
            .iter()
            .filter(|(_, runs)| runs.len() == self.repeat)
            .map(|(ex, _)| ex)
            .collect()
    }

    /// Exercises that fail in some runs and pass in others.
    pub fn unstable(&self) -> Vec<&String> {
        self.failed_runs
            .iter()
            .filter(|(_, runs)| !runs.is_empty() && runs.len() < self.repeat)
            .map(|(ex, _)| ex)
            .collect()
    }

    /// The tests that failed in every run.
    pub fn stable_killers(&self) -> Vec<(&TestName, Mode, &Verdict)> {
        self.failing
            .values()
            .flatten()
            .filter(|(_, _, runs, _)| runs.len() == self.repeat)
            .map(|(t, m, _, v)| (t, *m, v))
            .collect()
    }
}

/// Grades a wrong version with the tests of one mode, adding to `grades`: every test runs once;
/// then, exercise by exercise, failing tests run again until the exercise has run `repeat` times
/// or one test has failed in every run (the exercise's grade is then settled).
pub fn grade_runs(
    suite: &Suite,
    tests: &[GradedTest],
    mode: Mode,
    grades: &mut Grades,
    slots: &Slots,
) -> Result<()> {
    let repeat = grades.repeat;
    let tests: Vec<&GradedTest> = tests.iter().filter(|t| t.mode == mode).collect();
    let jobs: Vec<(&GradedTest, &[(&str, &str)])> = tests.iter().map(|t| (*t, &[][..])).collect();
    let first = run_many(suite, &jobs, slots)?;

    let mut by_exercise: BTreeMap<&str, Vec<(&GradedTest, Run)>> = BTreeMap::new();
    for (test, run) in tests.iter().zip(first) {
        if mode == Mode::Plain && matches!(run.verdict, Verdict::TimedOut(_)) {
            grades.hung.push((test.test.clone(), test.timeout));
        }
        if !run.verdict.passed() {
            by_exercise
                .entry(test.exercise.as_str())
                .or_default()
                .push((test, run));
        }
    }
    for (exercise, mut failing) in by_exercise {
        // The quickest failures first: their repeats cost least.
        failing.sort_by_key(|(_, run)| run.elapsed);
        let runs = grades.failed_runs.entry(exercise.to_string()).or_default();
        let entries = grades.failing.entry(exercise.to_string()).or_default();
        for (test, first_run) in failing {
            if runs.len() == repeat {
                break;
            }
            let again: Vec<(&GradedTest, &[(&str, &str)])> =
                (1..repeat).map(|_| (test, &[][..])).collect();
            let more = run_many(suite, &again, slots)?;
            let mut failed: BTreeSet<usize> = BTreeSet::from([0]);
            for (k, run) in more.iter().enumerate() {
                if !run.verdict.passed() {
                    failed.insert(k + 1);
                }
            }
            runs.extend(failed.iter().copied());
            entries.push((test.test.clone(), mode, failed, first_run.verdict.clone()));
        }
    }
    Ok(())
}

/// Runs each of `tests` once with every loom model's bound lowered by one; returns the tests that
/// no longer fail.
pub fn lost_at_lower_bound(
    suite: &Suite,
    tests: &[&GradedTest],
    slots: &Slots,
) -> Result<Vec<TestName>> {
    let env: &[(&str, &str)] = &[(LOOM_BOUND_DELTA, "1")];
    let jobs: Vec<(&GradedTest, &[(&str, &str)])> = tests.iter().map(|t| (*t, env)).collect();
    let runs = run_many(suite, &jobs, slots)?;
    Ok(tests
        .iter()
        .zip(runs)
        .filter(|(_, run)| run.verdict.passed())
        .map(|(t, _)| t.test.clone())
        .collect())
}

pub fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  | {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
