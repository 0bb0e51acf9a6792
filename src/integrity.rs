//! The files a student must not change, and how to tell when they did.
//!
//! Protected: everything that decides how a lab is built and graded. That is the workspace's
//! `Cargo.toml`, `Cargo.lock`, toolchain files, `.cargo/`, `.github/` (the grading workflow),
//! the `cargo lab` tool itself (`src/`), the labs' shared test helpers (`support/`), and every
//! file in a lab folder outside its `src/` (`lab.toml`, `Cargo.toml`, `tests/`, `benches/`,
//! `examples/`, and any `build.rs`, which Cargo would run even though no manifest names it).
//! `cargo lab release` records their SHA-256 in `.lab/integrity.json`, with the hashes of the
//! starter's `src/` files (so the grader knows given code from the student's); `cargo lab grade`
//! compares against that record, or against a pristine copy. A file that is added, changed or
//! removed is tampering.
//!
//! The tree may be hostile: only regular files are read, never through a symbolic link, and
//! never more than [`MAX_FILE`] bytes of one; anything else is recorded by what it is, so it
//! differs from the released file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a released copy keeps its record, relative to the workbook root.
pub const RECORD_PATH: &str = ".lab/integrity.json";

/// Protected files at the root, besides `.cargo/` and `src/`.
const ROOT_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "rust-toolchain",
    "rust-toolchain.toml",
];

/// Protected folders at the root, whole.
const ROOT_DIRS: &[&str] = &[".cargo", ".github", "src", "support"];

/// The largest file the grader reads from a submission.
pub const MAX_FILE: u64 = 4 << 20;

/// The SHA-256 of every protected file, keyed by its path relative to the root (with `/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub files: BTreeMap<String, String>,
    /// For every starter file in the labs' `src/` (`labs/NN-topic/src/...`), the hashes of its
    /// lines ([`line_hash`]): code the student was given, which the grader's review of `src/`
    /// does not flag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub starter: BTreeMap<String, Vec<String>>,
}

/// One protected file that is not as it was released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tampering {
    pub path: String,
    pub change: Change,
    /// The lab folder it belongs to; `None` for a workspace file, which touches every lab.
    pub lab: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Changed,
    Removed,
}

impl std::fmt::Display for Tampering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let change = match self.change {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Removed => "removed",
        };
        write!(f, "{} was {change}", self.path)
    }
}

impl Record {
    /// Hashes the protected files of the workbook at `root`.
    pub fn of_tree(root: &Path) -> Result<Record> {
        let mut files = BTreeMap::new();
        for path in protected_files(root)? {
            files.insert(path.clone(), digest(&root.join(&path)));
        }
        Ok(Record {
            files,
            starter: BTreeMap::new(),
        })
    }

    /// Adds the line hashes of the starter files under every `labs/*/src/` of `root`.
    pub fn with_starter(mut self, root: &Path) -> Result<Record> {
        let labs = root.join("labs");
        if labs.is_dir() {
            for entry in std::fs::read_dir(&labs)? {
                let entry = entry?;
                if !entry.file_type()?.is_dir() {
                    continue;
                }
                let src = PathBuf::from("labs").join(entry.file_name()).join("src");
                let mut found = Vec::new();
                walk(root, &src, &mut found)?;
                for path in found {
                    let Ok(bytes) = read_regular(&root.join(&path), MAX_FILE) else {
                        continue;
                    };
                    let lines: std::collections::BTreeSet<String> = String::from_utf8_lossy(&bytes)
                        .lines()
                        .filter_map(line_hash)
                        .collect();
                    self.starter.insert(path, lines.into_iter().collect());
                }
            }
        }
        Ok(self)
    }

    /// The record a released copy at `root` carries.
    pub fn load(root: &Path) -> Result<Record> {
        let path = root.join(RECORD_PATH);
        let bytes = read_regular(&path, MAX_FILE)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("{}: malformed", path.display()))
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let path = root.join(RECORD_PATH);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(&path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// What differs in `current` from this record.
    pub fn compare(&self, current: &Record) -> Vec<Tampering> {
        let mut found = Vec::new();
        for (path, hash) in &self.files {
            match current.files.get(path) {
                None => found.push(tampering(path, Change::Removed)),
                Some(now) if now != hash => found.push(tampering(path, Change::Changed)),
                Some(_) => {}
            }
        }
        for path in current
            .files
            .keys()
            .filter(|p| !self.files.contains_key(*p))
        {
            found.push(tampering(path, Change::Added));
        }
        found
    }
}

fn tampering(path: &str, change: Change) -> Tampering {
    let lab = path
        .strip_prefix("labs/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(folder, _)| folder.to_string());
    Tampering {
        path: path.to_string(),
        change,
        lab,
    }
}

/// The protected files under `root`, as `/`-separated relative paths.
pub fn protected_files(root: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for file in ROOT_FILES {
        if root.join(file).is_file() {
            found.push(file.to_string());
        }
    }
    for dir in ROOT_DIRS {
        walk(root, Path::new(dir), &mut found)?;
    }
    let labs = root.join("labs");
    if labs.is_dir() {
        for entry in
            std::fs::read_dir(&labs).with_context(|| format!("cannot list {}", labs.display()))?
        {
            let entry = entry?;
            if !entry.file_type()?.is_dir() {
                found.push(format!("labs/{}", entry.file_name().to_string_lossy()));
                continue;
            }
            let lab = PathBuf::from("labs").join(entry.file_name());
            for inner in std::fs::read_dir(entry.path())? {
                let inner = inner?;
                let name = inner.file_name();
                if name == "src" || name == "target" {
                    continue;
                }
                walk(root, &lab.join(&name), &mut found)?;
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Adds `rel` (a file, or every file under a folder) to `found`, skipping `target/`.
fn walk(root: &Path, rel: &Path, found: &mut Vec<String>) -> Result<()> {
    let path = root.join(rel);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(_) => return Ok(()),
    };
    if meta.is_dir() {
        if rel.file_name().is_some_and(|n| n == "target") {
            return Ok(());
        }
        for entry in
            std::fs::read_dir(&path).with_context(|| format!("cannot list {}", path.display()))?
        {
            walk(root, &rel.join(entry?.file_name()), found)?;
        }
    } else {
        let Some(text) = rel.to_str() else {
            bail!("{} is not a valid UTF-8 path", rel.display());
        };
        found.push(text.replace('\\', "/"));
    }
    Ok(())
}

/// A short hash of a source line, ignoring its indentation; `None` for a blank line.
pub fn line_hash(line: &str) -> Option<String> {
    let line = line.trim();
    (!line.is_empty()).then(|| hex(&Sha256::digest(line.as_bytes())[..8]))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of the regular file at `path` (hex), or what it is instead: a symbolic link, a
/// folder, a device or pipe, too large, unreadable. Never follows a link, never blocks on a pipe.
pub fn digest(path: &Path) -> String {
    match read_regular(path, MAX_FILE) {
        Ok(bytes) => hex(&Sha256::digest(&bytes)),
        Err(e) => format!("unusable: {e}"),
    }
}

/// The contents of `path` if it is a regular file of at most `cap` bytes: opened without
/// following a symbolic link and without blocking (a FIFO would hang a plain read).
pub fn read_regular(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > cap {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("larger than {cap} bytes"),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("larger than {cap} bytes"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_is_attributed_to_its_lab() {
        let before = Record {
            starter: BTreeMap::new(),
            files: [
                ("labs/01-x/tests/a.rs", "1"),
                ("Cargo.toml", "2"),
                ("labs/01-x/lab.toml", "3"),
            ]
            .into_iter()
            .map(|(p, h)| (p.to_string(), h.to_string()))
            .collect(),
        };
        let mut after = before.clone();
        after
            .files
            .insert("labs/01-x/tests/a.rs".into(), "9".into());
        after.files.insert("labs/01-x/build.rs".into(), "4".into());
        after.files.remove("Cargo.toml");
        let found = after_compare(&before, &after);
        assert_eq!(
            found,
            vec![
                ("Cargo.toml".to_string(), Change::Removed, None),
                (
                    "labs/01-x/tests/a.rs".to_string(),
                    Change::Changed,
                    Some("01-x".to_string())
                ),
                (
                    "labs/01-x/build.rs".to_string(),
                    Change::Added,
                    Some("01-x".to_string())
                ),
            ]
        );
    }

    fn after_compare(before: &Record, after: &Record) -> Vec<(String, Change, Option<String>)> {
        before
            .compare(after)
            .into_iter()
            .map(|t| (t.path, t.change, t.lab))
            .collect()
    }
}
