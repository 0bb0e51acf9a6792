//! Driving Cargo: workspace metadata, building a lab's test binaries, clippy, rustfmt.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::manifest::Mode;

/// The cargo feature that switches a lab's `sync` module to loom's primitives.
pub const LOOM_FEATURE: &str = "loom";

/// Runs cargo in one workspace or another, always with the same target directory, so a shadow
/// copy of the workspace reuses every dependency the real one has built.
#[derive(Debug, Clone)]
pub struct Cargo {
    program: OsString,
    pub target_dir: PathBuf,
    /// The whole environment cargo runs with; `None`: this process's own.
    env: Option<Vec<(OsString, OsString)>>,
}

/// An integration-test target of a lab (`tests/<name>.rs`).
#[derive(Debug, Clone)]
pub struct TestTarget {
    pub name: String,
    pub mode: Mode,
}

/// What a cargo command printed, and whether it succeeded.
#[derive(Debug)]
pub struct Outcome {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// The end of stderr, where cargo and rustc put the errors that matter.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&self.stderr, lines)
    }

    /// Up to `lines` lines of stderr from the first error on: what a reader needs of a build
    /// that failed (the end of the log when no line starts with `error`).
    pub fn errors(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stderr.lines().collect();
        match all.iter().position(|l| l.starts_with("error")) {
            Some(first) => all[first..]
                .iter()
                .take(lines)
                .copied()
                .collect::<Vec<_>>()
                .join("\n"),
            None => self.log_tail(lines),
        }
    }
}

impl Cargo {
    /// The cargo that runs us (`$CARGO` under `cargo run`), building into `workspace`'s target
    /// directory as cargo itself reports it.
    pub fn for_workspace(workspace: &Path) -> Result<Cargo> {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut probe = Cargo {
            program,
            target_dir: PathBuf::new(),
            env: None,
        };
        let meta = probe.metadata(workspace)?;
        let dir = meta["target_directory"]
            .as_str()
            .ok_or_else(|| anyhow!("cargo metadata gave no target_directory"))?;
        probe.target_dir = PathBuf::from(dir);
        Ok(probe)
    }

    /// Cargo for grading: it builds into `target_dir` with only the environment `env` (see
    /// `sandbox::env::for_cargo`), so no setting of whoever runs the grader, and nothing a
    /// submission could have put in the environment, changes the build.
    pub fn isolated(target_dir: PathBuf, env: Vec<(OsString, OsString)>) -> Cargo {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Cargo {
            program,
            target_dir,
            env: Some(env),
        }
    }

    fn command(&self, workspace: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        if let Some(env) = &self.env {
            cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
        }
        cmd.current_dir(workspace)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `cargo ARGS` in `workspace` with extra environment variables, capturing its output.
    pub fn run_with_env(
        &self,
        workspace: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Outcome> {
        let out = self
            .command(workspace)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
        Ok(Outcome {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Runs `cargo ARGS` in `workspace`, capturing its output.
    pub fn run(&self, workspace: &Path, args: &[&str]) -> Result<Outcome> {
        let out = self
            .command(workspace)
            .args(args)
            .output()
            .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
        Ok(Outcome {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    fn metadata(&self, workspace: &Path) -> Result<Value> {
        let mut cmd = Command::new(&self.program);
        if let Some(env) = &self.env {
            cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
        }
        cmd.current_dir(workspace).stdin(Stdio::null()).args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
        ]);
        let out = cmd.output().context("cannot run cargo metadata")?;
        if !out.status.success() {
            bail!(
                "cargo metadata failed in {}:\n{}",
                workspace.display(),
                tail(&String::from_utf8_lossy(&out.stderr), 20)
            );
        }
        serde_json::from_slice(&out.stdout)
            .context("cargo metadata printed something that is not JSON")
    }

    /// The integration-test targets of `package`; a target that requires the `loom` feature is
    /// a loom target.
    pub fn test_targets(&self, workspace: &Path, package: &str) -> Result<Vec<TestTarget>> {
        let meta = self.metadata(workspace)?;
        let pkg = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == package)
            .ok_or_else(|| {
                anyhow!(
                    "package {package} is not in the workspace at {}",
                    workspace.display()
                )
            })?;
        let mut targets = Vec::new();
        for target in pkg["targets"].as_array().into_iter().flatten() {
            let is_test = target["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test"));
            if !is_test {
                continue;
            }
            let name = target["name"].as_str().unwrap_or_default().to_string();
            let needs_loom = target["required-features"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f == LOOM_FEATURE));
            let mode = if needs_loom { Mode::Loom } else { Mode::Plain };
            targets.push(TestTarget { name, mode });
        }
        Ok(targets)
    }

    /// The names of `package`'s binary targets.
    pub fn bin_targets(&self, workspace: &Path, package: &str) -> Result<Vec<String>> {
        let meta = self.metadata(workspace)?;
        let pkg = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == package)
            .ok_or_else(|| anyhow!("package {package} is not in the workspace"))?;
        Ok(pkg["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "bin"))
            })
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect())
    }

    /// Builds the given test targets of `package` and returns each target's executable. A build
    /// that fails gives `Ok(Err(log))`: that is a finding about the lab, not a failure of the tool.
    pub fn build_tests(
        &self,
        workspace: &Path,
        package: &str,
        mode: Mode,
        targets: &[&str],
    ) -> Result<Result<BTreeMap<String, PathBuf>, String>> {
        let mut args = vec![
            "test",
            "--no-run",
            "--message-format",
            "json-render-diagnostics",
            "-p",
            package,
        ];
        args.extend(mode_args(mode));
        for target in targets {
            args.extend(["--test", target]);
        }
        let out = self.run(workspace, &args)?;
        if !out.success {
            return Ok(Err(out.errors(40)));
        }
        let mut exes = BTreeMap::new();
        for line in out.stdout.lines() {
            let Ok(msg) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let is_test = msg["reason"] == "compiler-artifact" && msg["profile"]["test"] == true;
            if let (true, Some(exe)) = (is_test, msg["executable"].as_str()) {
                let name = msg["target"]["name"].as_str().unwrap_or_default();
                exes.insert(name.to_string(), PathBuf::from(exe));
            }
        }
        Ok(Ok(exes))
    }

    /// `cargo clippy` on every target of `package`, warnings denied.
    pub fn clippy(&self, workspace: &Path, package: &str, mode: Mode) -> Result<Outcome> {
        let mut args = vec!["clippy", "-p", package, "--all-targets"];
        if mode == Mode::Loom {
            args.extend(["--features", LOOM_FEATURE]);
        }
        args.extend(["--", "-D", "warnings"]);
        self.run(workspace, &args)
    }
}

/// The cargo flags that select a mode's build.
pub fn mode_args(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Plain => &[],
        Mode::Loom => &["--release", "--features", LOOM_FEATURE],
    }
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
