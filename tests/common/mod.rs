//! Fixture workbooks for the tool's tests: fresh copies of `tests/fixtures/*`, and running
//! `cargo lab` on them.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch copy of a fixture workbook, fresh for each test.
pub struct Fixture {
    pub root: PathBuf,
}

/// What one run of the tool did.
pub struct Output {
    pub success: bool,
    pub code: Option<i32>,
    /// stdout, then stderr.
    pub text: String,
}

impl Fixture {
    /// A fresh copy of `tests/fixtures/good` named `name`.
    pub fn new(name: &str) -> Fixture {
        Fixture::copy_of("good", name)
    }

    /// A fresh copy of `tests/fixtures/<fixture>` named `name`.
    pub fn copy_of(fixture: &str, name: &str) -> Fixture {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        let root = Fixture::scratch(name);
        copy_tree(&source, &root);
        Fixture { root }
    }

    /// An empty scratch folder named `name` (removed first if it exists), for fixtures the
    /// tool itself writes.
    pub fn scratch(name: &str) -> PathBuf {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixtures")
            .join(name);
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        root
    }

    /// A fixture at `root`, which the tool made.
    pub fn at(root: PathBuf) -> Fixture {
        Fixture { root }
    }

    /// Runs `cargo lab ARGS` on the fixture, building into a target directory of its own:
    /// fixture copies are identical workspaces, so Cargo would give their crates the same
    /// artifact names, and tests run concurrently.
    pub fn lab(&self, args: &[&str]) -> Output {
        let name = self.root.file_name().unwrap();
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixture-targets")
            .join(name);
        self.lab_building_in(&target, args)
    }

    /// Runs `cargo lab ARGS` on the fixture, building into `target`.
    pub fn lab_building_in(&self, target: &Path, args: &[&str]) -> Output {
        self.run_tool(Path::new(env!("CARGO_BIN_EXE_workbook")), target, &[], args)
    }

    /// Runs the tool binary `tool` with `ARGS` on the fixture, building into `target`, with
    /// extra environment variables.
    pub fn run_tool(
        &self,
        tool: &Path,
        target: &Path,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Output {
        let out = Command::new(tool)
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .env("CARGO_TARGET_DIR", target)
            .envs(env.iter().copied())
            .output()
            .expect("cannot run the workbook tool");
        Output {
            success: out.status.success(),
            code: out.status.code(),
            text: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// Replaces `from` with `to` in the fixture's file `path`, which must contain it.
    pub fn edit(&self, path: &str, from: &str, to: &str) {
        let path = self.root.join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} has no {from:?}", path.display());
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }

    /// Copies the fixture's file `from` over its file `to`.
    pub fn copy(&self, from: &str, to: &str) {
        std::fs::copy(self.root.join(from), self.root.join(to)).unwrap();
    }

    pub fn write(&self, path: &str, text: &str) {
        std::fs::write(self.root.join(path), text).unwrap();
    }
}

impl Output {
    pub fn last_line(&self) -> &str {
        self.text
            .lines()
            .rfind(|l| l.contains(" passed, "))
            .unwrap_or("")
    }

    /// The check named `name` ended in `status` (`ok` or `FAILED`), and its line or the
    /// indented lines under it contain `detail`.
    pub fn assert_check(&self, name: &str, status: &str, detail: &str) {
        let mut lines = self.text.lines().skip_while(|l| !l.starts_with(name));
        let head = lines
            .next()
            .unwrap_or_else(|| panic!("no check {name:?} in:\n{}", self.text));
        let outcome = head[name.len()..].trim_start_matches(" ... ");
        assert!(
            outcome.starts_with(status),
            "check {name:?} should be {status}, is {outcome:?}:\n{}",
            self.text
        );
        let mut block = vec![head];
        block.extend(lines.take_while(|l| l.starts_with("    ")));
        assert!(
            block.iter().any(|l| l.contains(detail)),
            "check {name:?} does not say {detail:?}:\n{}",
            self.text
        );
    }
}

/// The contents of every lab's `src/`, to prove the tool never wrote them.
pub fn lab_src_digest(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.join("labs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == "Cargo.lock" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}
