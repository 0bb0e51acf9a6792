//! Judging a build of a lab against its graded tests: that a correct version passes every test on
//! every run, and that a wrong one gets the same grade on every run.
//!
//! Test processes run several at a time (most of a test's time is often a wait, not work), each
//! still alone in its own process with its own time limit, exactly as the grader runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use anyhow::Result;

use crate::cargo::{Cargo, tail};
use crate::manifest::{GradedTest, Mode, TestName};
use crate::runner::{Run, Verdict};
use crate::suite::Suite;
use crate::workbook::Lab;

/// The longest a plain test may run on a mutant: well past any bounded wait
/// (`lab_support::PATIENCE` is 10 s), so a test that gets here waits without a bound.
const MUTANT_TEST_LIMIT: Duration = Duration::from_secs(30);

/// What became of a mutant.
#[derive(Debug)]
pub enum Judgement {
    /// Rejected, with the same grade on every run; the note names the test and why.
    Killed(String),
    /// It does not compile (the log says why).
    Unviable(String),
    /// Every graded test passes with it in place.
    Survived(String),
    /// Rejected, but not as a grade must be: in some runs only, or by the time limit instead
    /// of a bounded wait, or by a loom bound without margin.
    Flawed(String),
}

impl Judgement {
    pub fn label(&self) -> &'static str {
        match self {
            Judgement::Killed(_) => "killed",
            Judgement::Unviable(_) => "unviable",
            Judgement::Survived(_) => "survived",
            Judgement::Flawed(_) => "flawed",
        }
    }
}

/// Grades the mutant now in the lab's `src/` of `workspace`: every plain test once, each
/// exercise's failing tests again until the exercise has run `repeat` times; the loom models
/// when the plain tests do not settle every grade; the loom bound's margin when only loom
/// catches it.
///
/// With `hint` (the test that killed this same mutant, against these same tests, when it was
/// last judged in full), that test alone is built and run first: when it fails in every run,
/// and for a reason (not by running into its time limit; a loom model also at one bound lower),
/// that settles it. Otherwise the mutant is judged in full. Returns the judgement and, when it
/// was killed, the test that killed it.
pub fn mutant(
    cargo: &Cargo,
    workspace: &std::path::Path,
    lab: &Lab,
    graded: &[GradedTest],
    repeat: usize,
    slots: &Slots,
    hint: Option<&GradedTest>,
) -> Result<(Judgement, Option<GradedTest>)> {
    if let Some(killer) = hint
        && let Some(note) = confirm_killer(cargo, workspace, lab, killer, repeat, slots)?
    {
        return Ok((Judgement::Killed(note), Some(killer.clone())));
    }
    mutant_in_full(cargo, workspace, lab, graded, repeat, slots)
}

/// Builds `killer`'s test target alone and runs it `repeat` times; the kill's note when it
/// failed in every run as a kill must (see [`mutant`]), `None` otherwise.
fn confirm_killer(
    cargo: &Cargo,
    workspace: &std::path::Path,
    lab: &Lab,
    killer: &GradedTest,
    repeat: usize,
    slots: &Slots,
) -> Result<Option<String>> {
    let lab_dir = workspace.join("labs").join(&lab.folder);
    let mut killer = killer.clone();
    if killer.mode == Mode::Plain {
        killer.timeout = killer.timeout.min(MUTANT_TEST_LIMIT);
    }
    let suite = match Suite::build_target(
        cargo,
        workspace,
        &lab.package,
        &lab_dir,
        killer.mode,
        &killer.test.target,
    )? {
        Ok(suite) => suite,
        // Judged in full, the mutant is reported unviable with the whole log.
        Err(_) => return Ok(None),
    };
    let jobs: Vec<(&GradedTest, &[(&str, &str)])> =
        (0..repeat.max(1)).map(|_| (&killer, &[][..])).collect();
    let runs = run_many(&suite, &jobs, slots)?;
    let killed_every_time = runs
        .iter()
        .all(|run| !run.verdict.passed() && !matches!(run.verdict, Verdict::TimedOut(_)));
    if !killed_every_time {
        return Ok(None);
    }
    if killer.mode == Mode::Loom && !lost_at_lower_bound(&suite, &[&killer], slots)?.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "by {} ({repeat}/{repeat} runs, the test that killed it last time): {}",
        killer.test,
        runs[0].verdict.describe(),
        repeat = repeat.max(1)
    )))
}

/// [`mutant`] without a hint: every graded test, as described there.
fn mutant_in_full(
    cargo: &Cargo,
    workspace: &std::path::Path,
    lab: &Lab,
    graded: &[GradedTest],
    repeat: usize,
    slots: &Slots,
) -> Result<(Judgement, Option<GradedTest>)> {
    let lab_dir = workspace.join("labs").join(&lab.folder);
    let build = |mode: Mode| -> Result<Result<Suite, String>> {
        Ok(
            match Suite::build(cargo, workspace, &lab.package, &lab_dir, &[mode])? {
                Ok(suite) => Ok(suite),
                Err(failure) => Err(format!(
                    "the {} do not compile:\n{}",
                    failure.mode.label(),
                    failure.log
                )),
            },
        )
    };
    let mut grades = Grades {
        repeat,
        ..Grades::default()
    };
    // On a mutant, a plain test that outlives every bounded wait by far is already a finding.
    let tests: Vec<GradedTest> = graded
        .iter()
        .cloned()
        .map(|mut t| {
            if t.mode == Mode::Plain {
                t.timeout = t.timeout.min(MUTANT_TEST_LIMIT);
            }
            t
        })
        .collect();
    let plain = match build(Mode::Plain)? {
        Ok(suite) => suite,
        Err(log) => return Ok((Judgement::Unviable(log), None)),
    };
    grade_runs(&plain, &tests, Mode::Plain, &mut grades, slots)?;
    let mut loom_suite = None;
    // Loom is needed unless one plain test fails on every run by itself: two flaky plain tests
    // whose failures happen to cover every run between them settle no verdict (there is no
    // killer), while a loom model gives the same answer on every run.
    let needs_loom = grades.stable_killers().is_empty() || !grades.unstable().is_empty();
    if lab.has_loom_feature && needs_loom && tests.iter().any(|t| t.mode == Mode::Loom) {
        let suite = match build(Mode::Loom)? {
            Ok(suite) => suite,
            Err(log) => return Ok((Judgement::Unviable(log), None)),
        };
        grade_runs(&suite, &tests, Mode::Loom, &mut grades, slots)?;
        loom_suite = Some(suite);
    }

    let mut problems = Vec::new();
    for (test, limit) in &grades.hung {
        problems.push(format!(
            "{test} ran into its {} s time limit instead of failing on a bounded wait: wrap the wait that hangs in lab_support::within_patience, so that a plain `cargo test` fails with a message",
            limit.as_secs()
        ));
    }
    for exercise in grades.unstable() {
        let runs = &grades.failed_runs[exercise];
        let tests: Vec<String> = grades.failing[exercise]
            .iter()
            .map(|(t, _, r, _)| format!("{t} failed in {} of {} runs", r.len(), grades.repeat))
            .collect();
        problems.push(format!(
            "exercise {exercise}'s grade changes between runs (it failed in {} of {}): {}",
            runs.len(),
            grades.repeat,
            tests.join("; ")
        ));
    }
    let killers = grades.stable_killers();
    if killers.is_empty() && problems.is_empty() {
        return Ok((
            Judgement::Survived("every graded test passes with this bug in place".into()),
            None,
        ));
    }
    // Caught by loom alone: the bound must have a margin.
    if let (false, Some(suite)) = (
        killers.iter().any(|(_, m, _)| *m == Mode::Plain),
        &loom_suite,
    ) {
        let loom_killers: Vec<&GradedTest> = tests
            .iter()
            .filter(|t| {
                killers
                    .iter()
                    .any(|(k, m, _)| *m == Mode::Loom && *k == &t.test)
            })
            .collect();
        for test in lost_at_lower_bound(suite, &loom_killers, slots)? {
            problems.push(format!(
                "{test} catches it only at its configured preemption bound, not one lower: the bound has no margin (raise it, or make the model exhaustive)"
            ));
        }
    }
    if !problems.is_empty() {
        return Ok((Judgement::Flawed(problems.join("\n")), None));
    }
    let (test, mode, verdict) = killers
        .iter()
        .find(|(_, m, _)| *m == Mode::Plain)
        .or_else(|| killers.first())
        .expect("a killed mutant has a killer");
    let exercises = grades.stable_failures().len();
    let killer = tests
        .iter()
        .find(|t| &t.test == *test && t.mode == *mode)
        .cloned();
    Ok((
        Judgement::Killed(format!(
            "by {test} ({repeat}/{repeat} runs{more}): {}",
            verdict.describe(),
            repeat = grades.repeat,
            more = if exercises > 1 {
                format!(", {exercises} exercises fail")
            } else {
                String::new()
            }
        )),
        killer,
    ))
}

/// How many copies of the workspace judge variants side by side: four per core (at least 2, at
/// most 8). Most of a wrong version's time is its tests sitting out a bounded wait, and the
/// copies share one build directory, so a copy costs only its own build of the lab; cargo's
/// lock takes the builds one at a time, and [`Slots`] keeps the tests from crowding the CPU.
pub fn judges() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (4 * cores).clamp(2, 8)
}

/// The environment variable `lab_support::loom` reads to lower every model's preemption bound.
pub const LOOM_BOUND_DELTA: &str = "LAB_LOOM_BOUND_DELTA";

/// Caps how many test processes run at once, across every thread that judges.
///
/// `base` may always run. Most of a wrong version's tests sit out a bounded wait without using
/// the CPU, so while the machine has a core to spare (Linux: `/proc/stat`; a core running only
/// niced work, such as the workbook's own tests under `verify`, is spare), more are let in, up
/// to `most`; one at a time, each only once the last one's load can have shown. A test that
/// works hard therefore never shares the CPU with more than `base` others by our doing, and one
/// that waits does not hold up the rest.
pub struct Slots {
    state: Mutex<SlotState>,
    changed: Condvar,
    base: usize,
    most: usize,
    cores: f64,
}

struct SlotState {
    running: usize,
    /// The last reading of the CPU counters, and the idle share of the window before it.
    cpu: Option<(std::time::Instant, crate::cpustat::CpuTimes)>,
    idle_share: f64,
    last_extra: Option<std::time::Instant>,
}

/// How long a new extra test gets to show its load before another is let in; also the shortest
/// window the idle share is measured over (15 clock ticks of `/proc/stat` per core at 100 Hz; a
/// test that works hard shows within its first few milliseconds).
///
/// It was 400 ms, and the cap below four times `base`: on lab 08 (31 mutants, eight copies, five
/// runs of each killer), mutants killed by a bounded wait then queued for slots behind other
/// mutants' waits, each taking two or three rounds of 10 s, while `vmstat` showed the CPU 60–96 %
/// idle; `cargo lab verify 08-primitives --no-cache` took 165.7 s, and 140.9 s with these.
const SETTLE: Duration = Duration::from_millis(150);

impl Slots {
    /// `base` tests at once, more while a core is idle (at most sixteen times `base`: a bound on
    /// processes and memory, not on the CPU, which the idle test already guards).
    pub fn new(base: usize) -> Slots {
        let base = base.max(1);
        Slots::with_most(base, 16 * base)
    }

    fn with_most(base: usize, most: usize) -> Slots {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        Slots {
            state: Mutex::new(SlotState {
                running: 0,
                cpu: None,
                idle_share: 0.0,
                last_extra: None,
            }),
            changed: Condvar::new(),
            base: base.max(1),
            most: most.max(base).max(1),
            cores,
        }
    }

    fn take(&self) -> SlotGuard<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.running < self.base
                || (state.running < self.most && self.may_add_one(&mut state))
            {
                state.running += 1;
                return SlotGuard { slots: self };
            }
            state = self
                .changed
                .wait_timeout(state, SETTLE / 2)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Whether one more test may start beyond `base`: a core has been idle over the last
    /// window, and the last extra test has had time to show its load.
    fn may_add_one(&self, state: &mut SlotState) -> bool {
        let now = std::time::Instant::now();
        if state.last_extra.is_some_and(|at| now - at < SETTLE) {
            return false;
        }
        let Some(times) = crate::cpustat::read() else {
            return false;
        };
        match state.cpu {
            // A window that long ago says nothing of now: start a fresh one.
            Some((at, _)) if now - at > 4 * SETTLE => {
                state.cpu = Some((now, times));
                state.idle_share = 0.0;
                return false;
            }
            Some((at, before)) if now - at >= SETTLE => {
                state.idle_share = before.spare_share_until(&times);
                state.cpu = Some((now, times));
            }
            Some(_) => {}
            None => {
                state.cpu = Some((now, times));
                return false;
            }
        }
        if state.idle_share * self.cores >= 1.0 {
            state.last_extra = Some(now);
            // The share was measured before this test: measure afresh before the next.
            state.idle_share = 0.0;
            state.cpu = Some((now, times));
            true
        } else {
            false
        }
    }
}

struct SlotGuard<'a> {
    slots: &'a Slots,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        self.slots
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .running -= 1;
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

/// How many times a correct version's test runs, out of `repeat`. A plain test's outcome
/// depends on how the threads happen to be scheduled, so it runs every time. A loom model
/// explores every schedule within its bounds, in the same order on every run: a second run
/// confirms the model is deterministic, and more would only explore the same executions again.
/// What can still differ from one machine to the next is its time, which
/// [`LOOM_TIME_MARGIN`] covers.
pub fn runs_of(mode: Mode, repeat: usize) -> usize {
    match mode {
        Mode::Plain => repeat.max(1),
        Mode::Loom => repeat.clamp(1, 2),
    }
}

/// A loom model of a correct version must finish within this share of its time limit on every
/// run, so that a slower or busier machine (a grader's) cannot turn the pass into a timeout.
pub const LOOM_TIME_MARGIN: f64 = 0.5;

/// Proves that a correct version (the solution, an alternative) passes every test of `tests`
/// on each of its runs: `repeat` for a plain test, at most two for a loom model ([`runs_of`]),
/// which must also finish within [`LOOM_TIME_MARGIN`] of its limit. The note says how much was
/// run; the failure names each test that failed, in which runs, and why.
pub fn passes_every_run(
    suite: &Suite,
    tests: &[GradedTest],
    repeat: usize,
    slots: &Slots,
) -> Result<Result<String, String>> {
    let mut failures: BTreeMap<&TestName, Vec<(usize, Run)>> = BTreeMap::new();
    let mut slowest: Option<(Duration, &TestName)> = None;
    let mut too_slow: Vec<String> = Vec::new();
    let total_runs = repeat.max(1);
    // The first round alone, so that a broken version fails fast; then the repeats together.
    for round in [0..1, 1..total_runs] {
        let jobs: Vec<(usize, &GradedTest)> = round
            .clone()
            .flat_map(|n| {
                tests
                    .iter()
                    .filter(move |t| n < runs_of(t.mode, repeat))
                    .map(move |t| (n, t))
            })
            .collect();
        if jobs.is_empty() {
            continue;
        }
        let with_env: Vec<(&GradedTest, &[(&str, &str)])> =
            jobs.iter().map(|(_, t)| (*t, &[][..])).collect();
        let runs = run_many(suite, &with_env, slots)?;
        for ((n, test), run) in jobs.iter().zip(runs) {
            if slowest.is_none_or(|(took, _)| run.elapsed > took) {
                slowest = Some((run.elapsed, &test.test));
            }
            if run.verdict.passed()
                && test.mode == Mode::Loom
                && run.elapsed.as_secs_f64() > LOOM_TIME_MARGIN * test.timeout.as_secs_f64()
            {
                too_slow.push(format!(
                    "{}: the loom model passed in {:.1} s on run {}, more than {:.0} % of its {} s limit: a slower machine may time it out. Lower its bounds (preemptions, branches) or raise its limit in lab.toml's [timeouts]",
                    test.test,
                    run.elapsed.as_secs_f64(),
                    n + 1,
                    LOOM_TIME_MARGIN * 100.0,
                    test.timeout.as_secs()
                ));
            }
            if !run.verdict.passed() {
                failures.entry(&test.test).or_default().push((n + 1, run));
            }
        }
        if !failures.is_empty() {
            break;
        }
    }
    if failures.is_empty() && too_slow.is_empty() {
        let loom = tests.iter().filter(|t| t.mode == Mode::Loom).count();
        let plain = tests.len() - loom;
        let mut note = format!("{plain} tests × {total_runs} runs");
        if loom > 0 {
            note.push_str(&format!(
                ", {loom} loom models × {} runs",
                runs_of(Mode::Loom, repeat)
            ));
        }
        if let Some((took, test)) = slowest {
            note.push_str(&format!("; slowest {test} in {:.1} s", took.as_secs_f64()));
        }
        return Ok(Ok(note));
    }
    let mut lines = too_slow;
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

/// A test that failed on a wrong version: its mode, the runs (0-based) it failed in, and the
/// verdict of its first run.
pub type Failing = (TestName, Mode, BTreeSet<usize>, Verdict);

/// How a wrong version fared: for each exercise, in which runs it failed.
#[derive(Debug, Default)]
pub struct Grades {
    pub repeat: usize,
    /// Per exercise: the runs (0-based) in which some test of it failed.
    pub failed_runs: BTreeMap<String, BTreeSet<usize>>,
    /// Per exercise: the tests that failed.
    pub failing: BTreeMap<String, Vec<Failing>>,
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

    /// The tests that failed in every run, by name (so that reports name the same one each time).
    pub fn stable_killers(&self) -> Vec<(&TestName, Mode, &Verdict)> {
        let mut killers: Vec<(&TestName, Mode, &Verdict)> = self
            .failing
            .values()
            .flatten()
            .filter(|(_, _, runs, _)| runs.len() == self.repeat)
            .map(|(t, m, _, v)| (t, *m, v))
            .collect();
        killers.sort_by(|a, b| a.0.cmp(b.0));
        killers
    }
}

/// A failure that took this long most likely waited out a bounded wait (`lab_support::PATIENCE`
/// is 10 s); one that came sooner is most likely an assertion, which is cheaper to repeat.
const SLOW_FAILURE: Duration = Duration::from_secs(3);

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
    // The exercise's grade is settled by the first test that fails in every run, so the quick
    // failures (an assertion) go first, the slow ones (a bounded wait that ran out) after them,
    // and a test that ran into its time limit last: their repeats cost most. By name within
    // each group, so that the same mutant is reported the same way each time.
    let mut queues: Vec<(&str, std::collections::VecDeque<(&GradedTest, Run)>)> = by_exercise
        .into_iter()
        .map(|(exercise, mut failing)| {
            failing.sort_by(|(a, ra), (b, rb)| {
                let cost = |r: &Run| match r.verdict {
                    Verdict::TimedOut(_) => 2,
                    _ if r.elapsed >= SLOW_FAILURE => 1,
                    _ => 0,
                };
                (cost(ra), &a.test).cmp(&(cost(rb), &b.test))
            });
            (exercise, failing.into())
        })
        .collect();
    // Round by round, every unsettled exercise's next candidate at once: the repeats of one
    // exercise's bounded wait need not wait for another's.
    loop {
        let mut picks: Vec<(&str, &GradedTest, Run)> = Vec::new();
        for (exercise, queue) in &mut queues {
            // Settled once one test has failed in every run. (Runs failed by different tests
            // settle nothing: a later test of this exercise, a loom model say, may still fail
            // in every run by itself and so name the mutant's killer.)
            let settled = grades.failing.get(*exercise).is_some_and(|entries| {
                entries
                    .iter()
                    .any(|(_, _, failed, _)| failed.len() == repeat)
            });
            if settled {
                continue;
            }
            if let Some((test, first_run)) = queue.pop_front() {
                picks.push((exercise, test, first_run));
            }
        }
        if picks.is_empty() {
            break;
        }
        let again: Vec<(&GradedTest, &[(&str, &str)])> = picks
            .iter()
            .flat_map(|(_, test, _)| (1..repeat).map(move |_| (*test, &[][..])))
            .collect();
        let more = run_many(suite, &again, slots)?;
        let per_pick = repeat.saturating_sub(1);
        for (i, (exercise, test, first_run)) in picks.into_iter().enumerate() {
            let mut failed: BTreeSet<usize> = BTreeSet::from([0]);
            for (k, run) in more[i * per_pick..(i + 1) * per_pick].iter().enumerate() {
                if !run.verdict.passed() {
                    failed.insert(k + 1);
                }
            }
            grades
                .failed_runs
                .entry(exercise.to_string())
                .or_default()
                .extend(failed.iter().copied());
            grades
                .failing
                .entry(exercise.to_string())
                .or_default()
                .push((test.test.clone(), mode, failed, first_run.verdict));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tests_run_every_time_and_loom_models_twice_at_most() {
        assert_eq!(runs_of(Mode::Plain, 5), 5);
        assert_eq!(runs_of(Mode::Loom, 5), 2);
        assert_eq!(runs_of(Mode::Loom, 1), 1);
        assert_eq!(runs_of(Mode::Plain, 0), 1);
        assert_eq!(runs_of(Mode::Loom, 0), 1);
    }

    #[test]
    fn base_slots_are_free_and_most_is_never_exceeded() {
        let slots = Slots::with_most(2, 2);
        let first = slots.take();
        let second = slots.take();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let third = slots.take();
                tx.send(()).unwrap();
                drop(third);
            });
            assert!(
                rx.recv_timeout(Duration::from_millis(1500)).is_err(),
                "a third test started while two (the most) were running"
            );
            drop(first);
            rx.recv_timeout(Duration::from_secs(10))
                .expect("the third test still waits for a slot after one was freed");
        });
        drop(second);
        assert_eq!(slots.state.lock().unwrap().running, 0);
    }
}
