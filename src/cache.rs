//! Verdicts proved once: `cargo lab verify` keeps each check's finding under
//! `target/lab/cache/`, keyed by a hash of everything the check depends on, and replays it while
//! none of that has changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checklist::Finding;

/// Where findings are kept, or nothing at all (`--no-cache`).
pub struct Cache {
    dir: Option<PathBuf>,
}

/// A cached finding.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    ok: bool,
    text: String,
    seconds: f64,
}

impl Cache {
    pub fn new(target_dir: &Path, enabled: bool) -> Cache {
        Cache {
            dir: enabled.then(|| target_dir.join("lab").join("cache")),
        }
    }

    /// The finding stored under `key`, and how long it took to prove.
    pub fn get(&self, key: &Key) -> Option<(Finding, f64)> {
        let path = self.dir.as_ref()?.join(key.file_name());
        let entry: Entry = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        let finding = if entry.ok {
            Ok(entry.text)
        } else {
            Err(entry.text)
        };
        Some((finding, entry.seconds))
    }

    /// Stores a finding. Only findings that say something about the lab are worth keeping:
    /// callers do not store failures of the tool itself (a cargo that could not start).
    pub fn put(&self, key: &Key, finding: &Finding, seconds: f64) {
        let Some(dir) = &self.dir else { return };
        let entry = Entry {
            ok: finding.is_ok(),
            text: match finding {
                Ok(text) | Err(text) => text.clone(),
            },
            seconds,
        };
        if std::fs::create_dir_all(dir).is_ok()
            && let Ok(text) = serde_json::to_string(&entry)
        {
            // Written whole, then renamed: a reader never sees half an entry.
            let tmp = dir.join(format!("{}.{}.tmp", key.file_name(), std::process::id()));
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, dir.join(key.file_name()));
            }
        }
    }
}

/// A hash of named parts: files, trees, strings.
#[derive(Debug, Clone)]
pub struct Key {
    hasher: Sha256,
    what: String,
}

impl Key {
    /// A key for the check called `what` (part of the hash too).
    pub fn new(what: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(what.as_bytes());
        hasher.update([0]);
        Key {
            hasher,
            what: what.to_string(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Key {
        self.hasher.update(name.as_bytes());
        self.hasher.update([0]);
        self.hasher.update((value.len() as u64).to_le_bytes());
        self.hasher.update(value.as_bytes());
        self
    }

    pub fn bytes(mut self, name: &str, value: &[u8]) -> Key {
        self.hasher.update(name.as_bytes());
        self.hasher.update([0]);
        self.hasher.update((value.len() as u64).to_le_bytes());
        self.hasher.update(value);
        self
    }

    /// Every file under `dir` (skipping `target/`), by relative path; nothing if it is absent.
    pub fn tree(mut self, name: &str, dir: &Path) -> Result<Key> {
        let mut files = BTreeMap::new();
        collect(dir, Path::new(""), &mut files)?;
        self = self.text(name, &files.len().to_string());
        for (path, bytes) in files {
            self = self.bytes(&path, &bytes);
        }
        Ok(self)
    }

    /// A file's bytes; a missing file hashes as missing.
    pub fn file(self, name: &str, path: &Path) -> Key {
        match std::fs::read(path) {
            Ok(bytes) => self.bytes(name, &bytes),
            Err(_) => self.text(name, "<missing>"),
        }
    }

    /// Files by relative path, as a solution or a mutant made whole.
    pub fn files(mut self, name: &str, files: &BTreeMap<String, String>) -> Key {
        self = self.text(name, &files.len().to_string());
        for (path, text) in files {
            self = self.text(path, text);
        }
        self
    }

    pub fn hex(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn file_name(&self) -> String {
        let slug: String = self
            .what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(60)
            .collect();
        format!("{slug}-{}.json", &self.hex()[..24])
    }
}

fn collect(root: &Path, rel: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let path = root.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Ok(());
    };
    if meta.is_dir() {
        if rel.file_name().is_some_and(|n| n == "target") {
            return Ok(());
        }
        for entry in
            std::fs::read_dir(&path).with_context(|| format!("cannot list {}", path.display()))?
        {
            collect(root, &rel.join(entry?.file_name()), out)?;
        }
    } else {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        out.insert(rel.to_string_lossy().replace('\\', "/"), bytes);
    }
    Ok(())
}

/// What every verdict depends on besides the lab: the toolchain and the `cargo lab` binary that
/// judges (a change to the judge may change a verdict).
pub fn environment() -> Result<Key> {
    let rustc = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("cannot run rustc -vV")?;
    let exe = std::env::current_exe().context("cannot find the cargo lab binary")?;
    Ok(Key::new("environment")
        .bytes("rustc", &rustc.stdout)
        .file("tool", &exe))
}
