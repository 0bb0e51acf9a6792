//! `cargo lab release --out DIR`: writes the student repository.
//!
//! Everything a student needs, nothing they must not have: no `solutions/` (with their
//! mutants), no maintainer-only checks (the tool's own tests and fixtures, `.ci/`). The
//! student-facing README and the CI workflow that grades every push come from `grading/`, and
//! the SHA-256 of every protected file is recorded in `.lab/integrity.json`.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::integrity::Record;
use crate::shadow::copy_tree;
use crate::workbook::Workbook;

/// Top-level entries that stay with the maintainers.
const MAINTAINER_ONLY: &[&str] = &[
    "solutions",
    "tests",
    ".ci",
    // The workbook's own CI and Pages workflows; the student copy gets grading/github/grade.yml.
    ".github",
    "target",
    ".git",
    ".lab",
];

/// Files from `grading/` that take their place in the student copy: (source, destination).
const STUDENT_FILES: &[(&str, &str)] = &[
    ("grading/student/README.md", "README.md"),
    ("grading/github/grade.yml", ".github/workflows/grade.yml"),
];

/// Writes the student copy of `workbook` to `out`, which must be absent or empty.
pub fn run(workbook: &Workbook, out: &Path) -> Result<()> {
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: release never overwrites a repository; give a new or empty folder",
                out.display()
            );
        }
    }
    let root = workbook.root.canonicalize()?;
    if lexical_absolute(out)?.starts_with(&root) {
        bail!(
            "{} is inside the workbook: release to a folder outside it",
            out.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for entry in std::fs::read_dir(&root)? {
        let entry = entry?;
        let name = entry.file_name();
        if MAINTAINER_ONLY.iter().any(|m| name == *m) {
            continue;
        }
        let to = out.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to)?;
        } else {
            std::fs::copy(entry.path(), &to)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    for (from, to) in STUDENT_FILES {
        let (source, dest) = (root.join(from), out.join(to));
        if !source.is_file() {
            eprintln!("warning: no {from}: the student copy has no {to}");
            continue;
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(&source, &dest)
            .with_context(|| format!("cannot copy {}", source.display()))?;
    }
    let record = Record::of_tree(out)?;
    record.save(out)?;
    println!(
        "wrote the student copy to {} ({} labs, {} protected files recorded in {})",
        out.display(),
        workbook.labs.len(),
        record.files.len(),
        crate::integrity::RECORD_PATH
    );
    println!(
        "keep an untouched copy of it: `cargo lab grade --pristine <that copy>` restores what students change"
    );
    Ok(())
}

/// `path` made absolute with `.` and `..` resolved, without creating anything (it may not exist
/// yet); symbolic links in the part that exists are resolved.
fn lexical_absolute(path: &Path) -> Result<std::path::PathBuf> {
    let mut resolved = std::path::PathBuf::new();
    for part in std::path::absolute(path)?.components() {
        match part {
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            std::path::Component::CurDir => {}
            other => resolved.push(other),
        }
        if let Ok(real) = resolved.canonicalize() {
            resolved = real;
        }
    }
    Ok(resolved)
}
