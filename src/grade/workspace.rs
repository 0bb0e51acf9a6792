//! The grading copy: what is built and tested, put together from an allow-list.
//!
//! Everything but the labs' `src/` comes from the pristine copy (`--pristine DIR`), or, without
//! one, from the submission's own files that the release recorded in `.lab/integrity.json` and
//! that still match their hashes. From the submission, only regular files under `labs/*/src/`
//! are taken: no symbolic links, no hidden files, none too large. Everything else the
//! submission holds (a `target/.cargo/config.toml`, a `rust-toolchain.toml` in a lab, a build
//! script) is never read by Cargo, because the copy lives in a folder of the grader's, outside
//! the submission (Cargo reads configuration from every folder above the one it runs in). What
//! would have configured a build is named in the report as ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::integrity::{self, Record, Tampering};
use crate::manifest::Manifest;

/// The largest file taken from a lab's `src/`.
pub const MAX_SRC_FILE: u64 = 1 << 20;
/// The most a submission's `src/` folders may hold, together.
pub const MAX_SRC_TOTAL: u64 = 32 << 20;
/// The most files taken from a submission's `src/` folders.
pub const MAX_SRC_FILES: usize = 4096;
/// How deep a lab's `src/` may nest.
const MAX_DEPTH: usize = 12;

/// Top-level folders of the pristine copy that a build never needs.
const NOT_COPIED: &[&str] = &["target", ".git", "solutions", ".lab", "book", "grading"];

/// Something in the submission the grader did not use, and why that is worth saying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignored {
    pub path: String,
    pub why: String,
}

/// A grading copy, ready to build.
pub struct GradingCopy {
    pub root: PathBuf,
    /// Protected files of the submission that differ from the pristine copy or the record.
    pub tampering: Vec<Tampering>,
    /// How the protected files were checked, in one sentence.
    pub integrity: String,
    pub ignored: Vec<Ignored>,
    /// Given code, for the review of `src/`.
    pub starter: Starter,
    /// Whether anything can be built: not when a workspace file was changed and there is no
    /// pristine copy to take it from.
    pub buildable: bool,
    /// Labs of the submission left out of the copy because their protected files were changed
    /// (without a pristine copy), with their manifests as the submission has them, to report.
    pub left_out: Vec<LeftOut>,
}

/// A lab that is reported but not built.
pub struct LeftOut {
    pub folder: String,
    pub manifest: Result<Manifest, String>,
}

/// What the student was given in the labs' `src/`: `labs/NN-topic/src/...` → the hashes of the
/// starter file's lines (see `integrity::line_hash`), from the pristine copy or the record.
#[derive(Debug, Default)]
pub struct Starter {
    pub lines: BTreeMap<String, BTreeSet<String>>,
}

impl Starter {
    /// Whether a line with `text` in the submission's file `path` is code the student was given.
    pub fn given(&self, path: &str, text: &str) -> bool {
        integrity::line_hash(text).is_some_and(|hash| {
            self.lines
                .get(path)
                .is_some_and(|lines| lines.contains(&hash))
        })
    }
}

/// Puts together the grading copy of `submission` in `dest` (emptied first).
pub fn create(
    submission: &Path,
    pristine: Option<&Path>,
    dest: &Path,
    version: &str,
) -> Result<GradingCopy> {
    let (expected, integrity) = expected_record(submission, pristine)?;
    let current = Record::of_tree(submission)?;
    let tampering = match &expected {
        Some(expected) => expected.compare(&current),
        None => Vec::new(),
    };
    if dest.exists() {
        std::fs::remove_dir_all(dest)
            .with_context(|| format!("cannot clear {}", dest.display()))?;
    }
    make_dir(dest)?;
    let mut starter = Starter::default();
    let mut left_out = Vec::new();
    let mut buildable = true;
    match (pristine, &expected) {
        (Some(pristine), _) => {
            copy_pristine(pristine, dest, Path::new(""))?;
            starter.lines = starter_lines(pristine)?;
        }
        (None, Some(record)) => {
            // The submission's own protected files, where they still match the record. A lab
            // with a changed file is left out whole (it scores zero anyway, and building a lab
            // that depends on it would run its build configuration); a changed workspace file
            // leaves nothing to build.
            buildable = !tampering.iter().any(|t| t.lab.is_none());
            let spoiled: BTreeSet<&str> =
                tampering.iter().filter_map(|t| t.lab.as_deref()).collect();
            for folder in lab_folders(submission) {
                if !buildable || spoiled.contains(folder.as_str()) {
                    let manifest = integrity::read_regular(
                        &submission.join("labs").join(&folder).join("lab.toml"),
                        integrity::MAX_FILE,
                    )
                    .map_err(|e| format!("cannot read lab.toml: {e}"))
                    .and_then(|bytes| {
                        let origin = Path::new("labs").join(&folder).join("lab.toml");
                        Manifest::from_text(&String::from_utf8_lossy(&bytes), &origin)
                            .map_err(|e| format!("{e:#}"))
                    });
                    left_out.push(LeftOut { folder, manifest });
                }
            }
            for (path, hash) in &record.files {
                let lab = path
                    .strip_prefix("labs/")
                    .and_then(|rest| rest.split_once('/'))
                    .map(|(folder, _)| folder);
                if !buildable
                    || lab.is_some_and(|l| spoiled.contains(l))
                    || current.files.get(path) != Some(hash)
                {
                    continue;
                }
                copy_checked(
                    &submission.join(path),
                    &dest.join(path),
                    integrity::MAX_FILE,
                )?;
            }
            starter.lines = record
                .starter
                .iter()
                .map(|(path, lines)| (path.clone(), lines.iter().cloned().collect()))
                .collect();
        }
        (None, None) => {
            for path in integrity::protected_files(submission)? {
                let _ = copy_checked(
                    &submission.join(&path),
                    &dest.join(&path),
                    integrity::MAX_FILE,
                );
            }
        }
    }
    let mut ignored = Vec::new();
    if buildable {
        make_dir(&dest.join("labs"))?;
        copy_sources(submission, dest, &mut ignored)?;
        set_lab_versions(dest, version)?;
    }
    scan_ignored(submission, &mut ignored);
    Ok(GradingCopy {
        root: dest.to_path_buf(),
        tampering,
        integrity,
        ignored,
        starter,
        buildable,
        left_out,
    })
}

/// The real folders under the submission's `labs/`, sorted.
fn lab_folders(submission: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(submission.join("labs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    found.sort();
    found
}

/// The record to compare against, and a sentence saying where it came from.
fn expected_record(submission: &Path, pristine: Option<&Path>) -> Result<(Option<Record>, String)> {
    if let Some(pristine) = pristine {
        let record = Record::of_tree(pristine)
            .with_context(|| format!("reading the pristine copy {}", pristine.display()))?;
        if record.files.is_empty() {
            bail!(
                "{} holds no workbook files: is it the released copy?",
                pristine.display()
            );
        }
        let how = format!(
            "protected files compared with the pristine copy {}; the grading copy is built from it and the submission's labs/*/src only",
            pristine.display()
        );
        return Ok((Some(record), how));
    }
    if std::fs::symlink_metadata(submission.join(integrity::RECORD_PATH)).is_ok() {
        let how = format!(
            "protected files compared with the hashes in the submission's {} (which a student can edit: grade with --pristine for a grade that counts)",
            integrity::RECORD_PATH
        );
        return Ok((Some(Record::load(submission)?), how));
    }
    let how = format!(
        "NOT CHECKED: no {} and no --pristine (grading a copy that was not made by `cargo lab release`)",
        integrity::RECORD_PATH
    );
    eprintln!("warning: integrity {how}");
    Ok((None, how))
}

/// Copies the pristine tree, but not what a build never needs, nor the labs' `src/`.
fn copy_pristine(from_root: &Path, to_root: &Path, rel: &Path) -> Result<()> {
    let dir = from_root.join(rel);
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name();
        let rel = rel.join(&name);
        let depth = rel.components().count();
        if depth == 1 && NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        let in_lab_src = depth == 3 && rel.starts_with("labs") && name == "src";
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if in_lab_src || name == "target" || name == ".git" {
                continue;
            }
            make_dir(&to_root.join(&rel))?;
            copy_pristine(from_root, to_root, &rel)?;
        } else if kind.is_file() {
            copy_checked(&entry.path(), &to_root.join(&rel), 64 << 20)?;
        }
    }
    Ok(())
}

/// Takes the regular files of each lab's `src/` from the submission, for every lab the grading
/// copy has; what is not taken is added to `ignored`.
fn copy_sources(submission: &Path, dest: &Path, ignored: &mut Vec<Ignored>) -> Result<()> {
    let mut budget = Budget { files: 0, bytes: 0 };
    let labs = dest.join("labs");
    if !labs.is_dir() {
        return Ok(());
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&labs)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    folders.sort();
    for folder in folders {
        let rel = Path::new("labs").join(&folder).join("src");
        make_dir(&dest.join(&rel))?;
        // Every folder on the way must be a real folder, not a link to somewhere else.
        let mut real = true;
        let mut at = submission.to_path_buf();
        for part in rel.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    ignored.push(Ignored {
                        path: slash(at.strip_prefix(submission).unwrap_or(&at)),
                        why: "not a folder (a symbolic link?): the lab's src/ was not taken".into(),
                    });
                    real = false;
                    break;
                }
                Err(_) => {
                    real = false;
                    break;
                }
            }
        }
        if real {
            copy_src_tree(submission, dest, &rel, 0, &mut budget, ignored)?;
        }
    }
    Ok(())
}

struct Budget {
    files: usize,
    bytes: u64,
}

fn copy_src_tree(
    submission: &Path,
    dest: &Path,
    rel: &Path,
    depth: usize,
    budget: &mut Budget,
    ignored: &mut Vec<Ignored>,
) -> Result<()> {
    let dir = submission.join(rel);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let rel = rel.join(&name);
        let shown = slash(&rel);
        let mut skip = |why: &str| {
            ignored.push(Ignored {
                path: shown.clone(),
                why: why.into(),
            })
        };
        let Some(text) = name.to_str() else {
            skip("its name is not UTF-8: not taken");
            continue;
        };
        if text.starts_with('.') {
            skip("a hidden file or folder in src/: not taken");
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth >= MAX_DEPTH {
                skip("src/ nests too deep: not taken");
                continue;
            }
            make_dir(&dest.join(&rel))?;
            copy_src_tree(submission, dest, &rel, depth + 1, budget, ignored)?;
        } else if kind.is_symlink() {
            skip("a symbolic link in src/: not taken");
        } else if !kind.is_file() {
            skip("not a regular file: not taken");
        } else if budget.files >= MAX_SRC_FILES {
            skip("more files in src/ than the grader takes: not taken");
        } else {
            match integrity::read_regular(&entry.path(), MAX_SRC_FILE) {
                Ok(bytes) if budget.bytes + bytes.len() as u64 <= MAX_SRC_TOTAL => {
                    budget.files += 1;
                    budget.bytes += bytes.len() as u64;
                    write_file(&dest.join(&rel), &bytes)?;
                }
                Ok(_) => skip("the labs' src/ hold more than the grader takes: not taken"),
                Err(e) => skip(&format!("not taken: {e}")),
            }
        }
    }
    Ok(())
}

/// Copies one file if it is a regular file of at most `cap` bytes.
fn copy_checked(from: &Path, to: &Path, cap: u64) -> Result<()> {
    let bytes = integrity::read_regular(from, cap)
        .with_context(|| format!("cannot read {}", from.display()))?;
    if let Some(dir) = to.parent() {
        make_dir(dir)?;
    }
    write_file(to, &bytes)
}

fn write_file(to: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(to, bytes).with_context(|| format!("cannot write {}", to.display()))?;
    // Readable by the tests' user, writable by the grader only.
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o644))?;
    Ok(())
}

fn make_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// Gives every lab of the copy the version `version`: Cargo names a workspace member's
/// artifacts by its name, version and path relative to the workspace, the same in every copy,
/// so without it two submissions graded with one target directory could share test binaries
/// (see `shadow.rs`).
fn set_lab_versions(root: &Path, version: &str) -> Result<()> {
    let labs = root.join("labs");
    let Ok(entries) = std::fs::read_dir(&labs) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path().join("Cargo.toml");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let Ok(mut doc) = toml::from_str::<toml::Table>(&text) else {
            // A broken manifest fails the build, which says why.
            continue;
        };
        if let Some(toml::Value::Table(package)) = doc.get_mut("package") {
            package.insert("version".into(), version.into());
        }
        write_file(&path, toml::to_string(&doc)?.as_bytes())?;
    }
    Ok(())
}

/// A version unique to `submission`, for [`set_lab_versions`].
pub fn version_for(submission: &Path) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    submission.hash(&mut hasher);
    format!("0.0.0-grade-{:08x}", hasher.finish() as u32)
}

/// The starter's line hashes of every `labs/*/src` file of the pristine copy.
fn starter_lines(pristine: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut lines = BTreeMap::new();
    let labs = pristine.join("labs");
    let Ok(entries) = std::fs::read_dir(&labs) else {
        return Ok(lines);
    };
    for entry in entries.flatten() {
        let src = entry.path().join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            let Ok(inner) = std::fs::read_dir(&dir) else {
                continue;
            };
            for file in inner.flatten() {
                let path = file.path();
                if file.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                } else if let Ok(bytes) = integrity::read_regular(&path, MAX_SRC_FILE) {
                    let rel = slash(path.strip_prefix(pristine).unwrap_or(&path));
                    let set = String::from_utf8_lossy(&bytes)
                        .lines()
                        .filter_map(integrity::line_hash)
                        .collect();
                    lines.insert(rel, set);
                }
            }
        }
    }
    Ok(lines)
}

/// Names what in the submission would have configured a build, had the grader built in it:
/// Cargo configuration anywhere, toolchain files and build scripts outside the protected
/// places. Bounded: a few levels deep, never through a link, never through `.git`.
fn scan_ignored(submission: &Path, ignored: &mut Vec<Ignored>) {
    let mut seen = 0usize;
    let mut stack = vec![(PathBuf::new(), 0usize)];
    let already: BTreeSet<String> = ignored.iter().map(|i| i.path.clone()).collect();
    while let Some((rel, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(submission.join(&rel)) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 50_000 {
                return;
            }
            let name = entry.file_name();
            let rel = rel.join(&name);
            let shown = slash(&rel);
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let top = depth == 0;
            // The root's .cargo/ is protected: a change to it is tampering, reported as such.
            let why = if name == ".cargo" && !top {
                Some(
                    "Cargo configuration inside the submission: never read, the grader builds elsewhere",
                )
            } else if (name == "rust-toolchain" || name == "rust-toolchain.toml") && !top {
                Some("a toolchain file inside the submission: never read")
            } else if name == "build.rs" && !top && !shown.starts_with("labs/") {
                Some("a build script outside the labs: never run")
            } else {
                None
            };
            if let Some(why) = why
                && !already.contains(&shown)
            {
                ignored.push(Ignored {
                    path: shown.clone(),
                    why: why.into(),
                });
                continue;
            }
            if kind.is_dir() && name != ".git" && depth < 6 {
                if name == "target" {
                    // A build folder can be huge: only its configuration matters.
                    if std::fs::symlink_metadata(submission.join(&rel).join(".cargo")).is_ok() {
                        ignored.push(Ignored {
                            path: format!("{shown}/.cargo"),
                            why: "Cargo configuration in the submission's target/: never read, the grader builds elsewhere".into(),
                        });
                    }
                    continue;
                }
                stack.push((rel, depth + 1));
            }
        }
    }
    ignored.sort_by(|a, b| a.path.cmp(&b.path));
    ignored.dedup();
}

fn slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
