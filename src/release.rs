//! `cargo lab release --out DIR`: writes the student repository.
//!
//! Everything a student needs, nothing they must not have: no `solutions/` (with their
//! mutants), no maintainer-only checks (the tool's own tests and fixtures, `.ci/`). The
//! student-facing README and the CI workflow that grades every push come from `grading/`, and
//! the SHA-256 of every protected file is recorded in `.lab/integrity.json`, with the hashes of
//! the starter's `src/` files (given code, which the grader's review does not flag).
//!
//! Pages of the book may hold passages for maintainers and instructors only, between the lines
//! `<!-- maintainer-only -->` and `<!-- /maintainer-only -->` (the instructor guide's account of
//! how a submission can attack the grader, and what stops it): the release leaves them out of the
//! student copy, with a sentence saying so.

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
    strip_maintainer_only(&out.join("book"))?;
    let record = Record::of_tree(out)?.with_starter(out)?;
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

/// The markers around a passage the student copy leaves out.
const BEGIN: &str = "<!-- maintainer-only -->";
const END: &str = "<!-- /maintainer-only -->";

/// What stands in a student copy where a maintainer-only passage was.
const LEFT_OUT: &str = "*This part of the guide is in the maintainers' copy of the workbook only.*";

/// Removes the maintainer-only passages from every Markdown page under `dir`.
fn strip_maintainer_only(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            strip_maintainer_only(&path)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if text.contains(BEGIN) {
                let stripped = strip(&text)
                    .with_context(|| format!("{}: unbalanced {BEGIN}", path.display()))?;
                std::fs::write(&path, stripped)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// `text` without its maintainer-only passages; an error when a marker has no partner.
fn strip(text: &str) -> Result<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        match line.trim() {
            BEGIN if !inside => {
                inside = true;
                out += LEFT_OUT;
                out.push('\n');
            }
            END if inside => inside = false,
            BEGIN | END => bail!("a marker inside another passage, or an end without a start"),
            _ if inside => {}
            _ => out += line,
        }
    }
    if inside {
        bail!("a passage that never ends");
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintainer_only_passages_are_left_out() {
        let text = format!("a\n{BEGIN}\nsecret\n{END}\nb\n");
        let stripped = strip(&text).unwrap();
        assert_eq!(stripped, format!("a\n{LEFT_OUT}\nb\n"));
        assert!(strip(&format!("{BEGIN}\nnever ends\n")).is_err());
        assert!(strip(&format!("{END}\n")).is_err());
    }
}
