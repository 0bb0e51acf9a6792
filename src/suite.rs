//! A lab's compiled test suite: its test binaries, the tests they hold, and running one of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cargo::{Cargo, TestTarget};
use crate::manifest::{GradedTest, Mode, TestName};
use crate::runner::{self, Run, Runner, Verdict};

/// The test binaries of one lab in one workspace (the real one or a shadow copy).
#[derive(Debug)]
pub struct Suite {
    /// The package root: tests run from here, as under `cargo test`.
    pub lab_dir: PathBuf,
    exes: BTreeMap<(Mode, String), PathBuf>,
    /// Every test the binaries hold, and how it is built.
    pub tests: BTreeMap<TestName, Mode>,
    /// Runs the tests; `None`: the default sandbox ([`runner::run_test`]).
    runner: Option<Runner>,
}

/// A build that failed: which mode, and the end of the compiler's output.
#[derive(Debug)]
pub struct BuildFailure {
    pub mode: Mode,
    pub log: String,
}

impl Suite {
    /// Builds the lab's integration tests for each of `modes` and lists the tests in them.
    pub fn build(
        cargo: &Cargo,
        workspace: &Path,
        package: &str,
        lab_dir: &Path,
        modes: &[Mode],
    ) -> Result<Result<Suite, BuildFailure>> {
        Suite::build_with(None, cargo, workspace, package, lab_dir, modes)
    }

    /// One test target of the lab, built in one mode (a mutant's recorded killer).
    pub fn build_target(
        cargo: &Cargo,
        workspace: &Path,
        package: &str,
        lab_dir: &Path,
        mode: Mode,
        target: &str,
    ) -> Result<Result<Suite, BuildFailure>> {
        Suite::build_targets(
            None,
            cargo,
            workspace,
            package,
            lab_dir,
            &[mode],
            Some(target),
        )
    }

    /// [`Suite::build`], listing and running the tests with `runner` (grading: a submission's
    /// sandbox and the lab's limits).
    pub fn build_with(
        runner: Option<Runner>,
        cargo: &Cargo,
        workspace: &Path,
        package: &str,
        lab_dir: &Path,
        modes: &[Mode],
    ) -> Result<Result<Suite, BuildFailure>> {
        Suite::build_targets(runner, cargo, workspace, package, lab_dir, modes, None)
    }

    fn build_targets(
        runner: Option<Runner>,
        cargo: &Cargo,
        workspace: &Path,
        package: &str,
        lab_dir: &Path,
        modes: &[Mode],
        only: Option<&str>,
    ) -> Result<Result<Suite, BuildFailure>> {
        let targets = cargo.test_targets(workspace, package)?;
        let mut suite = Suite {
            lab_dir: lab_dir.to_path_buf(),
            exes: BTreeMap::new(),
            tests: BTreeMap::new(),
            runner,
        };
        for &mode in modes {
            let names: Vec<&str> = targets_of(&targets, mode)
                .filter(|name| only.is_none_or(|only| only == *name))
                .collect();
            if names.is_empty() {
                continue;
            }
            let exes = match cargo.build_tests(workspace, package, mode, &names)? {
                Ok(exes) => exes,
                Err(log) => return Ok(Err(BuildFailure { mode, log })),
            };
            for (target, exe) in exes {
                let names = match &suite.runner {
                    Some(runner) => runner.list_tests(&exe, lab_dir)?,
                    None => runner::list_tests(&exe, lab_dir)?,
                };
                for name in names {
                    suite.tests.insert(
                        TestName {
                            target: target.clone(),
                            name,
                        },
                        mode,
                    );
                }
                suite.exes.insert((mode, target), exe);
            }
        }
        Ok(Ok(suite))
    }

    /// The test binary that holds `test`, if it was built.
    pub fn executable(&self, test: &GradedTest) -> Option<&Path> {
        self.exes
            .get(&(test.mode, test.test.target.clone()))
            .map(PathBuf::as_path)
    }

    /// Every test binary.
    pub fn executables(&self) -> impl Iterator<Item = &Path> {
        self.exes.values().map(PathBuf::as_path)
    }

    /// Runs one graded test in its own process.
    pub fn run(&self, test: &GradedTest) -> Result<Run> {
        self.run_with_env(test, &[])
    }

    /// [`Suite::run`] with extra environment variables.
    pub fn run_with_env(&self, test: &GradedTest, env: &[(&str, &str)]) -> Result<Run> {
        match self.exes.get(&(test.mode, test.test.target.clone())) {
            Some(exe) => match &self.runner {
                Some(runner) => {
                    runner.run_test(exe, &test.test.name, &self.lab_dir, test.timeout, env)
                }
                None => runner::run_test(exe, &test.test.name, &self.lab_dir, test.timeout, env),
            },
            None => Ok(Run {
                verdict: Verdict::Unreported(format!(
                    "no {} target `{}` was built (is tests/{}.rs there?)",
                    test.mode.label(),
                    test.test.target,
                    test.test.target
                )),
                output: String::new(),
                elapsed: Default::default(),
            }),
        }
    }
}

fn targets_of(targets: &[TestTarget], mode: Mode) -> impl Iterator<Item = &str> {
    targets
        .iter()
        .filter(move |t| t.mode == mode)
        .map(|t| t.name.as_str())
}
