//! `cargo lab verify`: proves each lab sound before it ships (DESIGN.md, "Verification"; the
//! maintainers' appendix of the book lists every check).
//!
//! Per lab: the manifest and its chapter; the starter is formatted, warning-free, its benches and
//! examples build, its tests are exactly the ones `lab.toml` grades, and every graded test fails
//! on it; the solution agrees with the starter, is formatted and warning-free, and passes every
//! test on every one of several runs; so does every alternative; every mutant is rejected with the
//! same grade on every run, by a bounded wait rather than the grader's time limit, and a mutant
//! only a bounded loom model catches is caught with one preemption less too. For the workbook: the
//! book's links and includes resolve and `mdbook build` succeeds; with no lab named, the
//! workbook's own tests pass too. Every finding is cached (see [`crate::cache`]).

mod book;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cache::{Cache, Key};
use crate::cargo::{Cargo, tail};
use crate::checklist::{Checklist, Finding, Relay};
use crate::judge::{self, Slots};
use crate::manifest::{GradedTest, Manifest, Mode, TestName};
use crate::shadow::Shadow;
use crate::suite::Suite;
use crate::variants::{Kind, Solutions, Variant};
use crate::workbook::{Lab, Workbook};

/// How `cargo lab verify` runs.
pub struct Options {
    /// Prove everything afresh instead of replaying cached findings.
    pub no_cache: bool,
    /// How many times the solution's and alternatives' tests run, and a mutant's failing tests.
    pub repeat: usize,
}

/// The findings on one variant: each with the check's name when it is not the main one, and
/// whether it came from the cache.
type Findings = Vec<(Option<String>, (bool, Finding))>;

/// Runs every check for the labs named (all when none) and returns the tally.
pub fn run(workbook: &Workbook, names: &[String], options: &Options) -> Result<Checklist> {
    let labs = workbook.select(names)?;
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let environment = crate::cache::environment()?
        .file("Cargo.toml", &workbook.root.join("Cargo.toml"))
        .file("Cargo.lock", &workbook.root.join("Cargo.lock"))
        .tree(".cargo", &workbook.root.join(".cargo"))?
        .tree("support", &workbook.root.join("support"))?;
    let cores = thread::available_parallelism().map_or(2, |n| n.get());
    let ctx = Context {
        workbook,
        cargo: &cargo,
        cache: Cache::new(&cargo.target_dir, !options.no_cache),
        environment,
        repeat: options.repeat.max(1),
        slots: Slots::new(2 * cores),
    };
    let mut list = Checklist::default();
    let mut times = Vec::new();

    let book_key = ctx
        .environment
        .clone()
        .text("check", "book")
        .tree("book", &workbook.book_dir())?
        .tree("labs", &workbook.root.join("labs"))?
        .file("book.toml", &workbook.root.join("book.toml"))
        .text("mdbook", &mdbook_version());
    ctx.check(
        &mut list,
        "book: links and includes resolve",
        &book_key.clone().text("part", "links"),
        || Ok(book_links(workbook)),
    );
    list.check(
        "book: every figure a chapter uses exists and says how it was made",
        || {
            let problems = crate::figures::check(&workbook.book_dir()).map_err(err)?;
            if problems.is_empty() {
                Ok(String::new())
            } else {
                Err(problems.join("\n"))
            }
        },
    );
    ctx.check(
        &mut list,
        "book: mdbook build succeeds",
        &book_key.text("part", "build"),
        || Ok(mdbook_build(workbook, &cargo.target_dir)),
    );

    // Several shadows, so that mutants can be judged side by side: most of a mutant's time is a
    // test sitting out its bounded wait, not CPU. Each check borrows one while it runs.
    let copies = Copies::new(
        (1..=judge::judges())
            .map(|n| ShadowCopy::create(workbook, &cargo, &format!("workspace-{n}")))
            .collect::<Result<_>>()?,
    );
    // Labs are judged LABS_AT_ONCE at a time, so that one lab's checks that must run one after
    // another (its starter, its solution) and its last slow mutants overlap with the next lab's
    // work instead of leaving the cores idle. Copies that share their artifacts cannot hold two
    // labs at once safely (see `check_variants`): then one lab at a time.
    let at_once = if copies.share_artifacts() {
        1
    } else {
        LABS_AT_ONCE
    };
    // The workbook's own tests run alongside the labs, at a lower priority: they soak up the
    // CPU that judging leaves idle while mutants' tests sit out their bounded waits, and yield
    // it whenever a lab needs it.
    let own = if names.is_empty() {
        own_tests(&ctx)?
    } else {
        None
    };
    thread::scope(|scope| {
        let background = own
            .as_ref()
            .filter(|own| ctx.cache.get(&own.key).is_none())
            .map(|own| {
                // Built first, at full priority: the build holds the build directory's lock,
                // which the labs' builds wait for. A build that fails is reported by the run.
                let mut build = vec!["test", "--no-run"];
                build.extend(own.packages.iter().map(String::as_str));
                let _ = cargo.run(&workbook.root, &build);
                scope.spawn(|| {
                    let start = Instant::now();
                    (
                        run_own_tests(&cargo, workbook, &own.packages),
                        start.elapsed(),
                    )
                })
            });
        // The labs' lines are printed lab by lab, in order, as if they had run one at a time.
        let relay = Arc::new(Relay::new(labs.len()));
        let next = AtomicUsize::new(0);
        let judged: Mutex<Vec<(usize, Checklist, Duration)>> = Mutex::new(Vec::new());
        thread::scope(|labs_scope| {
            for _ in 0..at_once.min(labs.len()) {
                let (relay, next, judged, labs, ctx, copies) =
                    (&relay, &next, &judged, &labs, &ctx, &copies);
                labs_scope.spawn(move || {
                    loop {
                        let turn = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&lab) = labs.get(turn) else { return };
                        let mut lab_list = Checklist::relayed(relay, turn);
                        let start = Instant::now();
                        LabCheck { ctx, copies, lab }.run(&mut lab_list);
                        relay.finish(turn);
                        judged.lock().unwrap_or_else(|e| e.into_inner()).push((
                            turn,
                            lab_list,
                            start.elapsed(),
                        ));
                    }
                });
            }
        });
        let mut judged = judged.into_inner().unwrap_or_else(|e| e.into_inner());
        judged.sort_by_key(|(turn, _, _)| *turn);
        for (turn, lab_list, took) in judged {
            list.add(&lab_list);
            times.push((labs[turn].folder.clone(), took));
        }
        let Some(own) = &own else { return };
        let name = format!(
            "workbook: its own tests pass (cargo test {})",
            own.packages.join(" ")
        );
        match background {
            None => {
                ctx.check(&mut list, &name, &own.key, || {
                    run_own_tests(&cargo, workbook, &own.packages)
                });
            }
            Some(handle) => {
                let (outcome, took) = handle.join().unwrap_or_else(|_| {
                    (
                        Err(anyhow::anyhow!("the tests' thread panicked")),
                        Default::default(),
                    )
                });
                match outcome {
                    Ok(finding) => {
                        ctx.cache.put(&own.key, &finding, took.as_secs_f64());
                        list.record(&name, finding, took);
                    }
                    Err(e) => {
                        list.record(&name, Err(format!("{e:#}")), took);
                    }
                }
                times.push(("the workbook's own tests".into(), took));
            }
        }
    });
    if at_once > 1 && labs.len() > 1 {
        println!("wall time (labs are judged {at_once} at a time, so their times overlap):");
    } else {
        println!("wall time:");
    }
    for (what, took) in &times {
        println!("  {what:<28} {:>7.1} s", took.as_secs_f64());
    }
    Ok(list)
}

/// What `verify` needs to run the workbook's own tests: the key of their finding and the
/// packages. `None` when only some labs are checked, or the workspace has no tool package.
struct OwnTests {
    key: Key,
    packages: Vec<String>,
}

fn own_tests(ctx: &Context) -> Result<Option<OwnTests>> {
    let workbook = ctx.workbook;
    if workbook.tool_package.is_none() {
        return Ok(None);
    }
    let key = ctx
        .environment
        .clone()
        .text("check", "workbook tests")
        .tree("src", &workbook.root.join("src"))?
        .tree("tests", &workbook.root.join("tests"))?
        .tree("book", &workbook.book_dir())?
        .file("book.toml", &workbook.root.join("book.toml"));
    Ok(Some(OwnTests {
        key,
        packages: own_packages(workbook),
    }))
}

/// `cargo test` of the workbook's own packages, at a lower CPU priority than the labs' checks.
fn run_own_tests(cargo: &Cargo, workbook: &Workbook, packages: &[String]) -> Result<Finding> {
    let mut args = vec!["test"];
    args.extend(packages.iter().map(String::as_str));
    let out = cargo.run_niced(&workbook.root, &args, 10)?;
    Ok(if out.success {
        Ok(test_summary(&out.stdout))
    } else {
        Err(format!("{}\n{}", tail(&out.stdout, 40), out.log_tail(10)))
    })
}

/// `-p workbook -p lab-support`: the packages whose own tests `verify` runs.
fn own_packages(workbook: &Workbook) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(tool) = &workbook.tool_package {
        args.extend(["-p".to_string(), tool.clone()]);
    }
    if workbook.root.join("support/Cargo.toml").is_file() {
        args.extend(["-p".to_string(), "lab-support".to_string()]);
    }
    args
}

/// What every check of a run shares.
struct Context<'a> {
    workbook: &'a Workbook,
    cargo: &'a Cargo,
    cache: Cache,
    /// The toolchain, the tool, the workspace manifests and the shared test helpers.
    environment: Key,
    repeat: usize,
    slots: Slots,
}

impl Context<'_> {
    /// Runs `check` unless its finding for `key` is cached, and records it. `check` returns `Err`
    /// when the tool itself failed (a cargo that could not start): that is reported, not cached.
    fn check(
        &self,
        list: &mut Checklist,
        name: &str,
        key: &Key,
        check: impl FnOnce() -> Result<Finding>,
    ) -> bool {
        if let Some((finding, _)) = self.cache.get(key) {
            return list.record_cached(name, finding);
        }
        list.check(name, || {
            let start = Instant::now();
            match check() {
                Ok(finding) => {
                    self.cache.put(key, &finding, start.elapsed().as_secs_f64());
                    finding
                }
                Err(e) => Err(format!("{e:#}")),
            }
        })
    }
}

/// How many labs `verify` judges side by side (see [`run`]).
const LABS_AT_ONCE: usize = 2;

/// The shadow copies of a run, lent out one check at a time.
struct Copies {
    copies: Vec<ShadowCopy>,
    /// The indices of the copies nobody has borrowed.
    free: Mutex<Vec<usize>>,
    returned: Condvar,
}

impl Copies {
    fn new(copies: Vec<ShadowCopy>) -> Copies {
        Copies {
            free: Mutex::new((0..copies.len()).rev().collect()),
            copies,
            returned: Condvar::new(),
        }
    }

    fn len(&self) -> usize {
        self.copies.len()
    }

    /// Whether the copies share their final artifacts (see [`ShadowCopy::own_artifacts`]).
    fn share_artifacts(&self) -> bool {
        self.copies.iter().any(|c| !c.own_artifacts)
    }

    /// A copy nobody else is using, once there is one; it goes back when the loan is dropped.
    /// Nobody borrows two at once, so every wait ends when some check ends.
    fn lend(&self) -> Loan<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(index) = free.pop() {
                return Loan {
                    copies: self,
                    index,
                };
            }
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A borrowed [`ShadowCopy`].
struct Loan<'a> {
    copies: &'a Copies,
    index: usize,
}

impl std::ops::Deref for Loan<'_> {
    type Target = ShadowCopy;
    fn deref(&self) -> &ShadowCopy {
        &self.copies.copies[self.index]
    }
}

impl Drop for Loan<'_> {
    fn drop(&mut self) {
        let mut free = self.copies.free.lock().unwrap_or_else(|e| e.into_inner());
        free.push(self.index);
        self.copies.returned.notify_one();
    }
}

/// A shadow copy of the workspace, and the cargo that builds in it.
struct ShadowCopy {
    shadow: Shadow,
    cargo: Cargo,
    /// Whether its final artifacts (the binaries tests run) are its own, not shared with the
    /// other copies (see [`Cargo::with_artifact_dir`]).
    own_artifacts: bool,
}

impl ShadowCopy {
    fn create(workbook: &Workbook, cargo: &Cargo, name: &str) -> Result<ShadowCopy> {
        let shadow = Shadow::create(workbook, &cargo.target_dir, name)?;
        shadow.build_lean()?;
        let own = cargo.with_artifact_dir(&shadow.artifact_dir());
        Ok(ShadowCopy {
            own_artifacts: own.is_some(),
            cargo: own.unwrap_or_else(|| cargo.clone()),
            shadow,
        })
    }
}

struct LabCheck<'a> {
    ctx: &'a Context<'a>,
    copies: &'a Copies,
    lab: &'a Lab,
}

impl LabCheck<'_> {
    fn name(&self, what: &str) -> String {
        format!("{}: {what}", self.lab.folder)
    }

    fn modes(&self) -> Vec<Mode> {
        if self.lab.has_loom_feature {
            vec![Mode::Plain, Mode::Loom]
        } else {
            vec![Mode::Plain]
        }
    }

    /// The key every check of this lab starts from: the environment and the lab's folder.
    fn lab_key(&self, check: &str) -> Result<Key> {
        self.ctx
            .environment
            .clone()
            .text("check", check)
            .text("lab", &self.lab.folder)
            .tree("lab folder", &self.lab.dir)
    }

    fn run(&self, list: &mut Checklist) {
        let ctx = self.ctx;
        let mut manifest = None;
        list.check(&self.name("lab.toml and its chapter"), || {
            let m = self.lab.manifest().map_err(|e| format!("{e:#}"))?;
            self.check_chapter(m)?;
            manifest = Some(m);
            Ok(format!(
                "{} exercises, {} points",
                m.exercises.len(),
                m.total_points()
            ))
        });
        let Some(manifest) = manifest else { return };
        let graded = manifest.graded_tests();
        let (real_root, real_lab) = (&ctx.workbook.root, &self.lab.dir);
        let key = |check: &str| self.lab_key(check);

        self.keyed(
            list,
            "starter is formatted and warning-free (rustfmt, clippy -D warnings)",
            key("starter lint"),
            || Ok(self.lint(ctx.cargo, real_root)),
        );
        self.keyed(
            list,
            "benches and examples build",
            key("benches and examples"),
            || {
                let out = ctx.cargo.run(
                    real_root,
                    &["build", "-p", &self.lab.package, "--benches", "--examples"],
                )?;
                Ok(if out.success {
                    Ok(String::new())
                } else {
                    Err(out.log_tail(30))
                })
            },
        );
        // The starter's suite is built only when a check below is not cached.
        let starter: std::cell::OnceCell<Result<Suite, String>> = std::cell::OnceCell::new();
        let starter_suite =
            || starter.get_or_init(|| self.build(ctx.cargo, real_root, real_lab, &self.modes()));
        self.keyed(
            list,
            "starter's tests build and are exactly the graded tests",
            key("starter inventory"),
            || {
                Ok(match starter_suite() {
                    Ok(suite) => check_inventory(manifest, suite).map(|()| String::new()),
                    Err(e) => Err(e.clone()),
                })
            },
        );
        self.keyed(
            list,
            "every graded test fails on the starter",
            key("starter fails"),
            || {
                let suite = match starter_suite() {
                    Ok(suite) => suite,
                    Err(_) => return Ok(Err("the starter's tests do not build".into())),
                };
                let jobs: Vec<(&GradedTest, &[(&str, &str)])> =
                    graded.iter().map(|t| (t, &[][..])).collect();
                let runs = judge::run_many(suite, &jobs, &ctx.slots)?;
                let passing: Vec<String> = graded
                    .iter()
                    .zip(runs)
                    .filter(|(_, run)| run.verdict.passed())
                    .map(|(t, _)| {
                        format!(
                            "exercise {}: {} passes before any code is written",
                            t.exercise, t.test
                        )
                    })
                    .collect();
                Ok(if passing.is_empty() {
                    Ok(format!("{} tests", graded.len()))
                } else {
                    Err(passing.join("\n"))
                })
            },
        );

        // The solution, made whole.
        let mut solution = None;
        list.check(&self.name("solution agrees with the starter"), || {
            let sols = Solutions::load(ctx.workbook, self.lab).map_err(err)?;
            let variant = sols.solution();
            let files = sols.materialize(self.lab, &variant).map_err(err)?;
            let unformatted = unformatted_fills(&sols).map_err(err)?;
            if !unformatted.is_empty() {
                return Err(format!(
                    "not formatted as rustfmt would (run rustfmt --edition 2024 on them): {}",
                    unformatted.join(", ")
                ));
            }
            let note = format!("{} files", sols.fills.len());
            solution = Some((sols, variant, files));
            Ok(note)
        });
        let Some((sols, variant, files)) = &solution else {
            return;
        };
        let solution_ok = {
            let copy = self.copies.lend();
            self.check_correct(list, &copy, variant, files, &graded)
        };
        if !solution_ok {
            return;
        }
        self.check_variants(list, sols, manifest, &graded);
        list.check(
            &self.name(
                "generated mutants: the record is current and every one is killed or justified",
            ),
            || self.check_generated(sols, manifest),
        );
    }

    /// `generated.toml` matches the solution, starter, tests and helpers, and every mutant in it
    /// was killed, failed to compile, or is listed in lab.toml as equivalent.
    fn check_generated(&self, sols: &Solutions, manifest: &Manifest) -> Finding {
        let workbook = self.ctx.workbook;
        let path = crate::generated::path(workbook, self.lab);
        let rerun = format!(
            "run `cargo lab mutate {}` (with --no-generic for the concurrency-aware operators alone, which is quick; cargo-mutants' generic operators, when installed, take much longer)",
            self.lab.folder
        );
        if !path.is_file() {
            return Err(format!("no {}: {rerun}", path.display()));
        }
        let record = crate::generated::Record::load(&path).map_err(err)?;
        let key = crate::generated::key(workbook, self.lab, sols, manifest, &record.generator)
            .map_err(err)?;
        if key != record.key {
            return Err(format!(
                "{} is stale: the solution, the starter, the tests, lab.toml's graded tests or the shared helpers changed since it was made; {rerun}",
                path.display()
            ));
        }
        // The operators of this build must make the mutants the record judged: a record made
        // before an operator changed is stale for the labs whose mutants the change touches.
        let now = crate::mutate::generate(workbook, self.ctx.cargo, self.lab, sols, false)
            .map_err(err)?;
        let made: std::collections::BTreeSet<&str> = now.iter().map(|m| m.name.as_str()).collect();
        let recorded: std::collections::BTreeSet<&str> = record
            .mutants
            .iter()
            .filter(|m| !crate::mutate::is_generic(&m.operator))
            .map(|m| m.name.as_str())
            .collect();
        if made != recorded {
            let list =
                |names: Vec<&&str>| names.iter().map(|n| format!("\n  {n}")).collect::<String>();
            return Err(format!(
                "{} is stale: it was made by {}, and the operators of this build make other mutants (new:{}\ngone:{}\n); {rerun}",
                path.display(),
                record.generator,
                list(made.difference(&recorded).collect()),
                list(recorded.difference(&made).collect()),
            ));
        }
        let mut problems = Vec::new();
        for m in &record.mutants {
            let justified = manifest.equivalents.iter().any(|e| e.mutant == m.name);
            match m.verdict.as_str() {
                "killed" | "unviable" => {}
                _ if justified => {}
                verdict => problems.push(format!("{verdict}: {} — {}", m.name, m.detail)),
            }
        }
        for eq in &manifest.equivalents {
            if !record.mutants.iter().any(|m| m.name == eq.mutant) {
                problems.push(format!(
                    "lab.toml lists {:?} as equivalent, but no generated mutant has that name",
                    eq.mutant
                ));
            }
        }
        if !problems.is_empty() {
            problems.push(
                "strengthen the tests, or list a mutant that is truly equivalent in lab.toml under [[equivalent]] with a reason"
                    .into(),
            );
            return Err(problems.join("\n"));
        }
        let counts = record.by_verdict();
        let get = |k: &str| counts.get(k).copied().unwrap_or(0);
        Ok(format!(
            "{} mutants: {} killed, {} unviable, {} equivalent ({})",
            record.mutants.len(),
            get("killed"),
            get("unviable"),
            record.mutants.len() - get("killed") - get("unviable"),
            record.generator
        ))
    }

    /// Like [`Context::check`], with the check named for this lab and the key given as a result.
    fn keyed(
        &self,
        list: &mut Checklist,
        what: &str,
        key: Result<Key>,
        check: impl FnOnce() -> Result<Finding>,
    ) -> bool {
        let name = self.name(what);
        match key {
            Ok(key) => self.ctx.check(list, &name, &key, check),
            Err(e) => list.check(&name, || Err(format!("{e:#}"))),
        }
    }

    /// The key of a check on a whole variant of the lab.
    fn variant_key(&self, check: &str, files: &BTreeMap<String, String>) -> Result<Key> {
        Ok(self
            .lab_key(check)?
            .files("variant", files)
            .text("repeat", &self.ctx.repeat.to_string()))
    }

    /// The checks of a correct version (the solution, an alternative): formatted, warning-free,
    /// passes every graded test on every run. Returns whether it did.
    fn check_correct(
        &self,
        list: &mut Checklist,
        copy: &ShadowCopy,
        variant: &Variant,
        files: &BTreeMap<String, String>,
        graded: &[GradedTest],
    ) -> bool {
        let (shadow, cargo) = (&copy.shadow, &copy.cargo);
        let label = match variant.kind {
            Kind::Solution => "solution".to_string(),
            kind => format!("{} `{}`", kind.label(), variant.name),
        };
        let lint_ok = self.keyed(
            list,
            &format!("{label} is formatted and warning-free (rustfmt, clippy -D warnings)"),
            self.variant_key("lint", files),
            || {
                shadow.put(self.lab, files)?;
                Ok(self.lint(cargo, &shadow.root))
            },
        );
        let pass_ok = self.keyed(
            list,
            &format!("{label} passes every test on every run"),
            self.variant_key("passes", files),
            || {
                shadow.put(self.lab, files)?;
                let lab_dir = shadow.lab_dir(self.lab);
                let suite = match self.build(cargo, &shadow.root, &lab_dir, &self.modes()) {
                    Ok(suite) => suite,
                    Err(e) => return Ok(Err(e)),
                };
                let outcome =
                    judge::passes_every_run(&suite, graded, self.ctx.repeat, &self.ctx.slots)?;
                Ok(match (variant.kind, outcome) {
                    (Kind::Alternative, Ok(note)) => Ok(format!("{}: {note}", variant.description)),
                    (Kind::Alternative, Err(why)) => Err(format!("{}\n{why}", variant.description)),
                    (_, outcome) => outcome,
                })
            },
        );
        lint_ok && pass_ok
    }

    /// Alternatives and mutants, judged side by side in the shadows; findings printed in order.
    fn check_variants(
        &self,
        list: &mut Checklist,
        sols: &Solutions,
        manifest: &Manifest,
        graded: &[GradedTest],
    ) {
        let killers_path = crate::killers::path(self.ctx.workbook, self.lab);
        let killers = crate::killers::Record::load_or_empty(&killers_path);
        let mut work: Vec<(Kind, String, Result<Variant, String>)> = Vec::new();
        for kind in [Kind::Alternative, Kind::Mutant] {
            match sols.list(kind) {
                Ok(found) => work.extend(
                    found
                        .into_iter()
                        .map(|(name, v)| (kind, name, v.map_err(|e| format!("{e:#}")))),
                ),
                Err(e) => {
                    list.check(&self.name(&format!("{}s", kind.label())), || {
                        Err(format!("{e:#}"))
                    });
                }
            }
        }
        let alternatives = work.iter().filter(|w| w.0 == Kind::Alternative).count();
        list.check(&self.name("has at least two alternatives"), || {
            if alternatives >= 2 {
                Ok(format!("{alternatives}"))
            } else {
                Err(format!(
                    "{alternatives} in {}: a lab keeps at least two correct solutions written differently, to prove its tests demand no one shape of right code",
                    sols.dir.join("alternatives").display()
                ))
            }
        });
        let mutants = work.len() - alternatives;
        if mutants == 0 {
            list.check(&self.name("mutants"), || {
                Err(format!(
                    "no mutants in {}: the tests are unproven",
                    sols.dir.join("mutants").display()
                ))
            });
        }

        // Copies that share their final artifacts share the binaries a lab's tests run: for a
        // lab with binaries, one copy at a time (and `run` judges one lab at a time then).
        let workers = if self.copies.share_artifacts() && self.has_binaries() {
            1
        } else {
            self.copies.len()
        };
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        let mut learned: Vec<(String, String, GradedTest)> = Vec::new();
        thread::scope(|scope| {
            for _ in 0..workers {
                let (tx, next, work, killers) = (tx.clone(), &next, &work, &killers);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some((kind, _, variant)) = work.get(index) else {
                            return;
                        };
                        let copy = self.copies.lend();
                        let start = Instant::now();
                        let (findings, killer) = match variant {
                            Err(e) => (vec![(None, (false, Err(e.clone())))], None),
                            Ok(variant) => self.judge_variant(
                                &copy, sols, manifest, killers, *kind, variant, graded,
                            ),
                        };
                        drop(copy);
                        if tx.send((index, findings, killer, start.elapsed())).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let mut done = BTreeMap::new();
            let mut printed = 0;
            for (index, findings, killer, took) in rx {
                if let Some((key, test)) = killer {
                    learned.push((work[index].1.clone(), key, test));
                }
                done.insert(index, (findings, took));
                while let Some((findings, took)) = done.remove(&printed) {
                    let (kind, name, _) = &work[printed];
                    for (what, (cached, finding)) in findings {
                        let what = what.unwrap_or_else(|| match kind {
                            Kind::Mutant => "is rejected, with the same grade on every run".into(),
                            _ => "passes every test on every run".into(),
                        });
                        let line = self.name(&format!("{} `{name}` {what}", kind.label()));
                        if cached {
                            list.record_cached(&line, finding);
                        } else {
                            list.record(&line, finding, took);
                        }
                    }
                    printed += 1;
                }
            }
        });
        let mut record = killers.clone();
        let mut changed = false;
        for (name, key, test) in &learned {
            changed |= record.set(name, key, test);
        }
        let names: Vec<&str> = work
            .iter()
            .filter(|w| w.0 == Kind::Mutant)
            .map(|w| w.1.as_str())
            .collect();
        changed |= record.keep_only(&names);
        if changed {
            match record.save(&killers_path) {
                Ok(()) => list.say(&format!(
                    "{}: wrote {} (the test that killed each mutant, which verify tries first next time: commit it)\n",
                    self.lab.folder,
                    killers_path.display()
                )),
                Err(e) => list.say(&format!("{}: {e:#}\n", self.lab.folder)),
            }
        }
    }

    /// The findings on one alternative or mutant, each with the check's name when it is not the
    /// main one, and whether it came from the cache; for a killed mutant, also its killer and the
    /// key to record it under in `killers.toml`.
    #[allow(clippy::too_many_arguments)]
    fn judge_variant(
        &self,
        copy: &ShadowCopy,
        sols: &Solutions,
        manifest: &Manifest,
        killers: &crate::killers::Record,
        kind: Kind,
        variant: &Variant,
        graded: &[GradedTest],
    ) -> (Findings, Option<(String, GradedTest)>) {
        let (shadow, cargo) = (&copy.shadow, &copy.cargo);
        let files = match sols.materialize(self.lab, variant) {
            Ok(files) => files,
            Err(e) => {
                return (
                    vec![(
                        None,
                        (false, Err(format!("{}\n{e:#}", variant.description))),
                    )],
                    None,
                );
            }
        };
        let judged = |check: &str, judge: &dyn Fn() -> Result<Finding>| -> (bool, Finding) {
            let key = match self.variant_key(check, &files) {
                Ok(key) => key,
                Err(e) => return (false, Err(format!("{e:#}"))),
            };
            if let Some((finding, _)) = self.ctx.cache.get(&key) {
                return (true, finding);
            }
            let start = Instant::now();
            match judge() {
                Ok(finding) => {
                    self.ctx
                        .cache
                        .put(&key, &finding, start.elapsed().as_secs_f64());
                    (false, finding)
                }
                Err(e) => (false, Err(format!("{e:#}"))),
            }
        };
        match kind {
            Kind::Mutant => {
                let key = crate::killers::key(
                    self.ctx.workbook,
                    self.lab,
                    manifest,
                    &files,
                    self.ctx.repeat,
                )
                .ok();
                let hint = key
                    .as_deref()
                    .and_then(|key| killers.hint(&variant.name, key, graded));
                let killer = std::cell::RefCell::new(None);
                let (cached, finding) = judged("mutant", &|| {
                    shadow.put(self.lab, &files)?;
                    let (finding, found) = self.judge_mutant(copy, variant, graded, hint)?;
                    *killer.borrow_mut() = found;
                    Ok(finding)
                });
                let killer = match (&finding, cached) {
                    (Ok(text), true) => crate::killers::named_in(text, graded),
                    (Ok(_), false) => killer.into_inner(),
                    (Err(_), _) => None,
                };
                let learned = key.zip(killer);
                (vec![(None, (cached, finding))], learned)
            }
            _ => {
                let lint = judged("lint", &|| {
                    shadow.put(self.lab, &files)?;
                    Ok(self.lint(cargo, &shadow.root))
                });
                let passes = judged("passes", &|| {
                    shadow.put(self.lab, &files)?;
                    let lab_dir = shadow.lab_dir(self.lab);
                    let suite = match self.build(cargo, &shadow.root, &lab_dir, &self.modes()) {
                        Ok(suite) => suite,
                        Err(e) => return Ok(Err(format!("{}\n{e}", variant.description))),
                    };
                    Ok(
                        match judge::passes_every_run(
                            &suite,
                            graded,
                            self.ctx.repeat,
                            &self.ctx.slots,
                        )? {
                            Ok(note) => Ok(format!("{}: {note}", variant.description)),
                            Err(why) => Err(format!("{}\n{why}", variant.description)),
                        },
                    )
                });
                (
                    vec![
                        (Some("is formatted and warning-free".into()), lint),
                        (None, passes),
                    ],
                    None,
                )
            }
        }
    }

    /// Grades a mutant (already in `shadow`) on every run, trying `hint` first: see
    /// [`judge::mutant`]. Also returns the test that killed it.
    fn judge_mutant(
        &self,
        copy: &ShadowCopy,
        variant: &Variant,
        graded: &[GradedTest],
        hint: Option<&GradedTest>,
    ) -> Result<(Finding, Option<GradedTest>)> {
        let (judgement, killer) = judge::mutant(
            &copy.cargo,
            &copy.shadow.root,
            self.lab,
            graded,
            self.ctx.repeat,
            &self.ctx.slots,
            hint,
        )?;
        let description = &variant.description;
        let finding = match judgement {
            judge::Judgement::Killed(note) => Ok(format!("{description} — {note}")),
            judge::Judgement::Unviable(log) => Err(format!(
                "{description}\n{log}\nthe mutant must compile: it models a mistake the tests catch"
            )),
            judge::Judgement::Survived(why) | judge::Judgement::Flawed(why) => {
                Err(format!("{description}\n{why}"))
            }
        };
        Ok((finding, killer))
    }

    fn has_binaries(&self) -> bool {
        self.ctx
            .cargo
            .bin_targets(&self.ctx.workbook.root, &self.lab.package)
            .map(|bins| !bins.is_empty())
            .unwrap_or(true)
    }

    /// The chapter exists, is in the book, and tells the student where the lab is, how to run
    /// it, and every exercise by id.
    fn check_chapter(&self, manifest: &Manifest) -> Result<(), String> {
        let book = self.ctx.workbook.book_dir();
        let path = book.join(&manifest.chapter);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("field `chapter`: cannot read {}: {e}", path.display()))?;
        let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap_or_default();
        let chapter = manifest.chapter.to_string_lossy();
        let mut missing = Vec::new();
        if !summary.contains(&format!("({chapter})")) {
            missing.push(format!("book/SUMMARY.md does not list {chapter}"));
        }
        let mut needed = vec![
            format!("labs/{}", self.lab.folder),
            format!("cargo test -p {}", self.lab.package),
        ];
        if manifest.has_loom_tests() {
            if !self.lab.has_loom_feature {
                missing.push(format!(
                    "lab.toml has loom_tests but {}/Cargo.toml has no `loom` feature",
                    self.lab.folder
                ));
            }
            needed.push(format!(
                "cargo test -p {} --release --features loom",
                self.lab.package
            ));
        }
        needed.extend(
            manifest
                .exercises
                .iter()
                .map(|ex| format!("Exercise {}", ex.id)),
        );
        for phrase in needed {
            if !text.contains(&phrase) {
                missing.push(format!("book/{chapter} never says `{phrase}`"));
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing.join("\n"))
        }
    }

    /// `cargo fmt --check` and clippy with warnings denied, in every build mode.
    fn lint(&self, cargo: &Cargo, workspace: &Path) -> Finding {
        let fmt = cargo
            .run(
                workspace,
                &[
                    "fmt",
                    "--check",
                    "-p",
                    &self.lab.package,
                    "--",
                    "--color",
                    "never",
                ],
            )
            .map_err(err)?;
        if !fmt.success {
            return Err(format!(
                "cargo fmt --check -p {}:\n{}{}",
                self.lab.package,
                tail(&fmt.stdout, 30),
                fmt.stderr
            ));
        }
        for mode in self.modes() {
            let out = cargo
                .clippy(workspace, &self.lab.package, mode)
                .map_err(err)?;
            if !out.success {
                return Err(format!("clippy ({}):\n{}", mode.label(), out.log_tail(40)));
            }
        }
        Ok(String::new())
    }

    fn build(
        &self,
        cargo: &Cargo,
        workspace: &Path,
        lab_dir: &Path,
        modes: &[Mode],
    ) -> Result<Suite, String> {
        match Suite::build(cargo, workspace, &self.lab.package, lab_dir, modes) {
            Ok(Ok(suite)) => Ok(suite),
            Ok(Err(failure)) => Err(format!(
                "the {} do not compile:\n{}",
                failure.mode.label(),
                failure.log
            )),
            Err(e) => Err(format!("{e:#}")),
        }
    }
}

/// The solution files that rustfmt would change.
fn unformatted_fills(sols: &Solutions) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for (path, text) in &sols.fills {
        if path.ends_with(".rs") && crate::solution::rustfmt(text)? != *text {
            found.push(format!("solutions/{}/{path}", dir_name(&sols.dir)));
        }
    }
    Ok(found)
}

fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The test binaries hold exactly the tests `lab.toml` grades, each built the way it says.
fn check_inventory(manifest: &Manifest, suite: &Suite) -> Result<(), String> {
    let mut problems = Vec::new();
    for test in manifest.graded_tests() {
        match suite.tests.get(&test.test) {
            None => problems.push(format!(
                "exercise {} grades `{}`, but no test target holds it",
                test.exercise, test.test
            )),
            Some(mode) if *mode != test.mode => problems.push(format!(
                "exercise {} lists `{}` under `{}`, but it is in a {} target",
                test.exercise,
                test.test,
                if test.mode == Mode::Loom {
                    "loom_tests"
                } else {
                    "tests"
                },
                mode.label()
            )),
            Some(_) => {}
        }
    }
    let listed: Vec<TestName> = manifest
        .graded_tests()
        .into_iter()
        .map(|t| t.test)
        .collect();
    for test in suite.tests.keys() {
        if !listed.contains(test) {
            problems.push(format!(
                "tests/{}.rs: `{}` is graded by no exercise: add it to lab.toml",
                test.target, test.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let known: Vec<String> = suite.tests.keys().map(TestName::to_string).collect();
        problems.push(format!("the tests there are: {}", known.join(", ")));
        Err(problems.join("\n"))
    }
}

fn book_links(workbook: &Workbook) -> Finding {
    let problems = book::check_links(&workbook.book_dir()).map_err(err)?;
    if problems.is_empty() {
        Ok(String::new())
    } else {
        Err(problems.join("\n"))
    }
}

fn mdbook_version() -> String {
    Command::new("mdbook")
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default()
}

fn mdbook_build(workbook: &Workbook, target_dir: &Path) -> Finding {
    let dest = crate::shadow::scratch_dir(workbook, target_dir).join("book");
    let out = Command::new("mdbook")
        .arg("build")
        .arg(&workbook.root)
        .arg("--dest-dir")
        .arg(&dest)
        .output()
        .map_err(|e| {
            format!("cannot run mdbook ({e}); install it with `cargo install mdbook --locked --version 0.5.4`")
        })?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let complaints: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .collect();
    if !out.status.success() {
        Err(tail(&log, 30))
    } else if !complaints.is_empty() {
        Err(complaints.join("\n"))
    } else {
        Ok(String::new())
    }
}

/// libtest's `test result:` lines, added up, as "N tests".
fn test_summary(stdout: &str) -> String {
    let passed: usize = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    format!("{passed} tests")
}

fn err(e: anyhow::Error) -> String {
    format!("{e:#}")
}
