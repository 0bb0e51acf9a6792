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
    /// Where the workspace's intermediate artifacts go (Cargo's `build.build-dir`, which is the
    /// target directory unless configured); `None`: a cargo too old to tell (before 1.91).
    build_dir: Option<PathBuf>,
    /// Where this cargo puts final artifacts instead of the target directory (see
    /// [`Cargo::with_artifact_dir`]).
    artifact_dir: Option<PathBuf>,
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
            build_dir: None,
            artifact_dir: None,
            env: None,
        };
        let meta = probe.metadata(workspace)?;
        let dir = meta["target_directory"]
            .as_str()
            .ok_or_else(|| anyhow!("cargo metadata gave no target_directory"))?;
        probe.target_dir = PathBuf::from(dir);
        probe.build_dir = meta["build_directory"].as_str().map(PathBuf::from);
        Ok(probe)
    }

    /// This cargo for a shadow copy of the workspace: intermediate artifacts still go to the
    /// workspace's build directory, so every dependency compiled once serves every copy, but
    /// final ones go to `artifact_dir`. Those include the binaries an integration test runs
    /// through `CARGO_BIN_EXE_<name>`, so copies that build the same lab side by side never run
    /// each other's binaries. `None` when cargo cannot keep the two apart (`build.build-dir`
    /// came with Cargo 1.91).
    pub fn with_artifact_dir(&self, artifact_dir: &Path) -> Option<Cargo> {
        self.build_dir.as_ref()?;
        Some(Cargo {
            artifact_dir: Some(artifact_dir.to_path_buf()),
            ..self.clone()
        })
    }

    /// Cargo for grading: it builds into `target_dir` with only the environment `env` (see
    /// `sandbox::env::for_cargo`), so no setting of whoever runs the grader, and nothing a
    /// submission could have put in the environment, changes the build.
    pub fn isolated(target_dir: PathBuf, env: Vec<(OsString, OsString)>) -> Cargo {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Cargo {
            program,
            target_dir,
            build_dir: None,
            artifact_dir: None,
            env: Some(env),
        }
    }

    fn command(&self, workspace: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        if let Some(env) = &self.env {
            cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
        }
        match (&self.artifact_dir, &self.build_dir) {
            (Some(artifacts), Some(build)) => cmd
                .env("CARGO_TARGET_DIR", artifacts)
                .env("CARGO_BUILD_BUILD_DIR", build),
            _ => cmd.env("CARGO_TARGET_DIR", &self.target_dir),
        };
        cmd.current_dir(workspace)
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

    /// [`Cargo::run`] at a lower CPU priority: `nice` is added to this process's niceness, and
    /// every process cargo starts (rustc, the tests) inherits it.
    pub fn run_niced(&self, workspace: &Path, args: &[&str], nice: i32) -> Result<Outcome> {
        use std::os::unix::process::CommandExt;
        let mut cmd = self.command(workspace);
        cmd.args(args);
        // SAFETY: between fork and exec the child only makes the nice(2) system call, which is
        // async-signal-safe; a failure leaves the priority as it was, which is harmless.
        unsafe {
            cmd.pre_exec(move || {
                libc::nice(nice);
                Ok(())
            });
        }
        let out = cmd
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-package workspace at `root`: a binary that prints `says`, and a test that runs it
    /// through `CARGO_BIN_EXE_speak` and prints what it said. Its version is its own, as a
    /// shadow copy's is: cargo hashes a workspace member's path relative to the workspace, so
    /// two copies of one version would build into the very same files.
    fn workspace(root: &Path, says: &str, version: &str) {
        let _ = std::fs::remove_dir_all(root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("tests")).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            format!(
                "[package]\nname = \"speak\"\nversion = \"{version}\"\nedition = \"2021\"\n\n[workspace]\n"
            ),
        )
        .unwrap();
        std::fs::write(
            root.join("src/main.rs"),
            format!("fn main() {{\n    println!(\"{says}\");\n}}\n"),
        )
        .unwrap();
        std::fs::write(
            root.join("tests/speaks.rs"),
            "#[test]\nfn speaks() {\n    let out = std::process::Command::new(env!(\"CARGO_BIN_EXE_speak\")).output().unwrap();\n    print!(\"SAID {}\", String::from_utf8_lossy(&out.stdout));\n}\n",
        )
        .unwrap();
    }

    /// What the test built by `cargo` in `root` heard the binary say.
    fn heard(cargo: &Cargo, root: &Path) -> String {
        let exes = cargo
            .build_tests(root, "speak", Mode::Plain, &["speaks"])
            .unwrap()
            .unwrap_or_else(|log| panic!("the test does not build:\n{log}"));
        let out = Command::new(&exes["speaks"])
            .args(["--nocapture", "--exact", "speaks"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| l.strip_prefix("SAID "))
            .unwrap_or_else(|| panic!("the test printed no SAID line:\n{text}"))
            .to_string()
    }

    #[test]
    fn copies_with_their_own_artifact_dirs_run_their_own_binaries() {
        let base = std::env::temp_dir().join(format!("lab-artifact-dirs-{}", std::process::id()));
        let (real, copy) = (base.join("real"), base.join("copy"));
        workspace(&real, "real", "0.1.0");
        workspace(&copy, "copy", "0.1.0-copy");
        let cargo = Cargo::for_workspace(&real).unwrap();
        if cargo.build_dir.is_none() {
            eprintln!("this cargo predates build.build-dir: copies share their artifacts");
            return;
        }
        let own = cargo
            .with_artifact_dir(&base.join("copy-artifacts"))
            .expect("a cargo that reports its build directory can separate artifacts");
        // Built in the same build directory, one after the other: each test runs its own
        // copy's binary, never the one the other build put in place last.
        assert_eq!(heard(&cargo, &real), "real");
        assert_eq!(heard(&own, &copy), "copy");
        assert_eq!(heard(&cargo, &real), "real");
        assert!(
            base.join("copy-artifacts/debug/speak").is_file(),
            "the copy's binary is in its own artifact directory"
        );
        assert!(
            !copy.join("target").exists(),
            "the copy's intermediate artifacts go to the shared build directory"
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
