//! `cargo lab verify`: proves each lab sound before it ships (DESIGN.md, "Verification").
//!
//! Per lab: the manifest and its chapter; the starter is formatted, warning-free, its benches and
//! examples build, its tests are exactly the ones `lab.toml` grades, and every graded test fails
//! on it; the solution is formatted, warning-free and passes every test (plain and loom); every
//! mutant is rejected by at least one test. For the workbook: the book's links and includes
//! resolve and `mdbook build` succeeds; with no lab named, the workbook's own tests pass too.

mod book;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::cargo::{Cargo, tail};
use crate::checklist::{Checklist, Finding};
use crate::manifest::{GradedTest, Manifest, Mode, TestName};
use crate::shadow::Shadow;
use crate::suite::Suite;
use crate::workbook::{Lab, Workbook};

/// Runs every check for the labs named (all when none) and returns the tally.
pub fn run(workbook: &Workbook, names: &[String]) -> Result<Checklist> {
    let labs = workbook.select(names)?;
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let mut list = Checklist::default();

    list.check("book: links and includes resolve", || book_links(workbook));
    list.check("book: mdbook build succeeds", || {
        mdbook_build(workbook, &cargo.target_dir)
    });

    // Two shadows, so two mutants can be judged side by side: most of a mutant's time is a test
    // sitting out its bounded wait, not CPU. The first also checks the solutions.
    let shadows = [
        Shadow::create(workbook, &cargo.target_dir, "workspace")?,
        Shadow::create(workbook, &cargo.target_dir, "workspace-2")?,
    ];
    for lab in labs {
        LabCheck {
            workbook,
            cargo: &cargo,
            shadows: &shadows,
            lab,
        }
        .run(&mut list);
    }

    if let (true, Some(package)) = (names.is_empty(), &workbook.tool_package) {
        list.check(
            &format!("workbook: its own tests pass (cargo test -p {package})"),
            || {
                let out = cargo
                    .run(&workbook.root, &["test", "-p", package])
                    .map_err(err)?;
                if out.success {
                    Ok(test_summary(&out.stdout))
                } else {
                    Err(format!("{}\n{}", tail(&out.stdout, 40), out.log_tail(10)))
                }
            },
        );
    }
    Ok(list)
}

struct LabCheck<'a> {
    workbook: &'a Workbook,
    cargo: &'a Cargo,
    /// Shadow copies of the workspace; the first checks the solution, all of them mutants.
    shadows: &'a [Shadow],
    lab: &'a Lab,
}

/// A mutant's `mutant.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MutantInfo {
    description: String,
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

    fn run(&self, list: &mut Checklist) {
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
        let (real_root, real_lab) = (&self.workbook.root, &self.lab.dir);

        list.check(
            &self.name("starter is formatted and warning-free (rustfmt, clippy -D warnings)"),
            || self.lint(real_root),
        );
        list.check(&self.name("benches and examples build"), || {
            let out = self
                .cargo
                .run(
                    real_root,
                    &["build", "-p", &self.lab.package, "--benches", "--examples"],
                )
                .map_err(err)?;
            if out.success {
                Ok(String::new())
            } else {
                Err(out.log_tail(30))
            }
        });

        let mut starter = None;
        list.check(
            &self.name("starter's tests build and are exactly the graded tests"),
            || {
                let suite = self.build(real_root, real_lab)?;
                check_inventory(manifest, &suite)?;
                starter = Some(suite);
                Ok(String::new())
            },
        );
        if let Some(suite) = &starter {
            list.check(&self.name("every graded test fails on the starter"), || {
                let passing: Vec<String> = graded
                    .iter()
                    .filter_map(|t| match suite.run(t) {
                        Ok(run) if run.verdict.passed() => Some(format!(
                            "exercise {}: {} passes before any code is written",
                            t.exercise, t.test
                        )),
                        Ok(_) => None,
                        Err(e) => Some(format!("{}: {e:#}", t.test)),
                    })
                    .collect();
                if passing.is_empty() {
                    Ok(format!("{} tests", graded.len()))
                } else {
                    Err(passing.join("\n"))
                }
            });
        }

        let solution = self.workbook.solutions_dir(self.lab);
        let shadow = &self.shadows[0];
        let shadow_lab = shadow.lab_dir(self.lab);
        let mut solution_ok = false;
        list.check(
            &self.name("solution is formatted and warning-free (rustfmt, clippy -D warnings)"),
            || {
                if !solution.join("src").is_dir() {
                    return Err(format!(
                        "no solution: expected {}",
                        solution.join("src").display()
                    ));
                }
                shadow.apply(self.lab, &[&solution]).map_err(err)?;
                self.lint(&shadow.root)
            },
        );
        if solution.join("src").is_dir() {
            list.check(&self.name("solution passes every test"), || {
                shadow.apply(self.lab, &[&solution]).map_err(err)?;
                let suite = self.build(&shadow.root, &shadow_lab)?;
                let mut failures = Vec::new();
                let mut slowest = (std::time::Duration::ZERO, None);
                for test in &graded {
                    let run = suite.run(test).map_err(err)?;
                    if !run.verdict.passed() {
                        failures.push(format!(
                            "{} ({}): {}",
                            test.test,
                            test.mode.label(),
                            run.verdict.describe()
                        ));
                        failures.push(indent(&tail(&run.output, 12)));
                    }
                    if run.elapsed > slowest.0 {
                        slowest = (run.elapsed, Some(&test.test));
                    }
                }
                solution_ok = failures.is_empty();
                if !solution_ok {
                    return Err(failures.join("\n"));
                }
                let slowest = match slowest {
                    (took, Some(test)) => {
                        format!("; slowest {test} in {:.1} s", took.as_secs_f64())
                    }
                    _ => String::new(),
                };
                Ok(format!("{}{slowest}", count_by_mode(&graded)))
            });
        }
        if solution_ok {
            self.check_mutants(list, &solution, &graded);
        }
    }

    /// The chapter exists, is in the book, and tells the student where the lab is, how to run
    /// it, and every exercise by id.
    fn check_chapter(&self, manifest: &Manifest) -> Result<(), String> {
        let book = self.workbook.book_dir();
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
    fn lint(&self, workspace: &Path) -> Finding {
        let fmt = self
            .cargo
            .run(workspace, &["fmt", "--check", "-p", &self.lab.package])
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
            let out = self
                .cargo
                .clippy(workspace, &self.lab.package, mode)
                .map_err(err)?;
            if !out.success {
                return Err(format!("clippy ({}):\n{}", mode.label(), out.log_tail(40)));
            }
        }
        Ok(String::new())
    }

    fn build(&self, workspace: &Path, lab_dir: &Path) -> Result<Suite, String> {
        self.build_modes(workspace, lab_dir, &self.modes())
    }

    fn build_modes(
        &self,
        workspace: &Path,
        lab_dir: &Path,
        modes: &[Mode],
    ) -> Result<Suite, String> {
        match Suite::build(self.cargo, workspace, &self.lab.package, lab_dir, modes) {
            Ok(Ok(suite)) => Ok(suite),
            Ok(Err(failure)) => Err(format!(
                "the {} do not compile:\n{}",
                failure.mode.label(),
                failure.log
            )),
            Err(e) => Err(format!("{e:#}")),
        }
    }

    fn check_mutants(&self, list: &mut Checklist, solution: &Path, graded: &[GradedTest]) {
        let mutants = match list_mutants(&solution.join("mutants")) {
            Ok(mutants) => mutants,
            Err(e) => {
                list.check(&self.name("mutants"), || Err(format!("{e:#}")));
                return;
            }
        };
        if mutants.is_empty() {
            list.check(&self.name("mutants"), || {
                Err(format!(
                    "no mutants in {}: the tests are unproven",
                    solution.join("mutants").display()
                ))
            });
            return;
        }
        // Each shadow takes the next mutant until none is left; the findings are printed in
        // mutant order as they come in.
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        thread::scope(|scope| {
            for shadow in self.shadows {
                let (tx, next, mutants) = (tx.clone(), &next, &mutants);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some((_, dir)) = mutants.get(index) else {
                            return;
                        };
                        let start = Instant::now();
                        let finding = self.judge_mutant(shadow, solution, dir, graded);
                        if tx.send((index, finding, start.elapsed())).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let mut done = BTreeMap::new();
            let mut printed = 0;
            for (index, finding, took) in rx {
                done.insert(index, (finding, took));
                while let Some((finding, took)) = done.remove(&printed) {
                    let name = self.name(&format!("mutant `{}` is rejected", mutants[printed].0));
                    list.record(&name, finding, took);
                    printed += 1;
                }
            }
        });
    }

    /// Puts the mutant in `dir` over the solution in `shadow` and runs the graded tests until one
    /// fails, one mode at a time, plain first: most mutants fall to a plain test, and then the
    /// slower release build for loom is never needed.
    fn judge_mutant(
        &self,
        shadow: &Shadow,
        solution: &Path,
        dir: &Path,
        graded: &[GradedTest],
    ) -> Finding {
        let info = read_mutant(dir)?;
        shadow.apply(self.lab, &[solution, dir]).map_err(err)?;
        let lab_dir = shadow.lab_dir(self.lab);
        for mode in self.modes() {
            let suite = self
                .build_modes(&shadow.root, &lab_dir, &[mode])
                .map_err(|e| {
                    format!("{e}\nthe mutant must compile: it models a mistake the tests catch")
                })?;
            for test in graded.iter().filter(|t| t.mode == mode) {
                let run = suite.run(test).map_err(err)?;
                if !run.verdict.passed() {
                    return Ok(format!(
                        "{} — by {}: {}",
                        info.description,
                        test.test,
                        run.verdict.describe()
                    ));
                }
            }
        }
        Err(format!(
            "{}\nevery graded test passes with this bug in place",
            info.description
        ))
    }
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

fn list_mutants(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut mutants = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            mutants.push((name, path));
        }
    }
    mutants.sort();
    Ok(mutants)
}

fn read_mutant(dir: &Path) -> Result<MutantInfo, String> {
    let path = dir.join("mutant.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let info: MutantInfo = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if !dir.join("src").is_dir() {
        return Err(format!(
            "{} has no src/ to put over the solution",
            dir.display()
        ));
    }
    Ok(info)
}

fn book_links(workbook: &Workbook) -> Finding {
    let problems = book::check_links(&workbook.book_dir()).map_err(err)?;
    if problems.is_empty() {
        Ok(String::new())
    } else {
        Err(problems.join("\n"))
    }
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

fn count_by_mode(graded: &[GradedTest]) -> String {
    let loom = graded.iter().filter(|t| t.mode == Mode::Loom).count();
    match loom {
        0 => format!("{} tests", graded.len()),
        _ => format!("{} tests, {loom} of them under loom", graded.len()),
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

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  | {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn err(e: anyhow::Error) -> String {
    format!("{e:#}")
}
