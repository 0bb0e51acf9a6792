//! Mutants and alternatives as patches: a description, then a unified diff against the solution.
//!
//! `solutions/NN-topic/mutants/NAME.patch` (and `alternatives/NAME.patch`) reads:
//!
//! ```text
//! The guard unlocks with a Relaxed store: the next holder may not see the writes.
//!
//! --- a/src/spinlock.rs
//! +++ b/src/spinlock.rs
//! @@ -30,7 +30,7 @@ impl<T> Drop for SpinLockGuard<'_, T> {
//! …
//! ```
//!
//! Everything before the first `--- ` line is the description; the diff is against the solution
//! files (`solutions/NN-topic/src/…`, which hold only what the student writes), with the usual
//! `a/` and `b/` prefixes. Hunks are applied with [`diffy`]: exact context, any offset.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use diffy::patch_set::{FileOperation, ParseOptions, PatchSet};

/// A parsed mutant or alternative.
#[derive(Debug, Clone)]
pub struct Patch {
    /// The text before the diff, on one line.
    pub description: String,
    /// The diff itself, as written.
    pub diff: String,
}

impl Patch {
    pub fn load(path: &Path) -> Result<Patch> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Patch::parse(&text).with_context(|| format!("{}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Patch> {
        let start = text
            .match_indices("--- ")
            .map(|(i, _)| i)
            .find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n');
        let Some(start) = start else {
            bail!("no unified diff in it (expected a line starting with `--- a/src/…`)");
        };
        let description = text[..start]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if description.is_empty() {
            bail!("no description: the lines before the diff say what the change is");
        }
        let patch = Patch {
            description,
            diff: text[start..].to_string(),
        };
        patch.files()?;
        Ok(patch)
    }

    /// Which files the diff touches, relative to the solution folder (`src/…`).
    pub fn files(&self) -> Result<Vec<String>> {
        let mut files = Vec::new();
        for file in PatchSet::parse(&self.diff, ParseOptions::unidiff()) {
            let file = file.map_err(|e| anyhow::anyhow!("the diff does not parse: {e}"))?;
            files.push(target_path(file.operation())?);
        }
        if files.is_empty() {
            bail!("the diff changes no file");
        }
        Ok(files)
    }

    /// Applies the diff to `files` (solution files by relative path). An error names the file and
    /// the hunk that no longer applies.
    pub fn apply(&self, files: &mut BTreeMap<String, String>) -> Result<()> {
        for file in PatchSet::parse(&self.diff, ParseOptions::unidiff()) {
            let file = file.map_err(|e| anyhow::anyhow!("the diff does not parse: {e}"))?;
            let path = target_path(file.operation())?;
            let Some(patch) = file.patch().as_text() else {
                bail!("{path}: binary patches are not supported");
            };
            if file.operation().is_delete() {
                files.remove(&path);
                continue;
            }
            let base = match files.get(&path) {
                Some(text) => text.as_str(),
                None if file.operation().is_create() => "",
                None => bail!("{path}: the solution has no such file"),
            };
            let patched = diffy::apply(base, patch).map_err(|e| {
                let hunk = hunk_number(&e.to_string())
                    .and_then(|n| patch.hunks().get(n - 1))
                    .map(|h| {
                        format!(
                            " (@@ -{},{} @@, starting `{}`)",
                            h.old_range().start(),
                            h.old_range().len(),
                            first_line(h)
                        )
                    })
                    .unwrap_or_default();
                anyhow::anyhow!(
                    "{path}: {e}{hunk}: the solution changed under it; remake the patch"
                )
            })?;
            files.insert(path, patched);
        }
        Ok(())
    }
}

/// A patch file's text: the description, a blank line, and a diff of each changed file.
pub fn write(
    description: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> String {
    let mut out = format!("{}\n\n", description.trim());
    let paths: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let (old, new) = (before.get(path), after.get(path));
        if old == new {
            continue;
        }
        let patch = diffy::create_patch(
            old.map_or("", String::as_str),
            new.map_or("", String::as_str),
        );
        let text = patch.to_string();
        let body = text.split_once("\n+++ ").map_or("", |(_, rest)| {
            rest.split_once('\n').map_or("", |(_, hunks)| hunks)
        });
        let from = old.map_or("/dev/null".to_string(), |_| format!("a/{path}"));
        let to = new.map_or("/dev/null".to_string(), |_| format!("b/{path}"));
        out.push_str(&format!("--- {from}\n+++ {to}\n{body}"));
    }
    out
}

fn target_path(op: &FileOperation<'_, str>) -> Result<String> {
    let op = op.strip_prefix(1);
    let path = match &op {
        FileOperation::Modify { modified, .. } => modified.to_string(),
        FileOperation::Create(path) | FileOperation::Delete(path) => path.to_string(),
        _ => bail!("renames and copies are not supported"),
    };
    if !path.starts_with("src/") || path.split('/').any(|part| part == "..") {
        bail!("{path}: a patch may change only the solution's files under src/");
    }
    Ok(path)
}

fn hunk_number(message: &str) -> Option<usize> {
    message.rsplit('#').next()?.trim().parse().ok()
}

fn first_line(hunk: &diffy::Hunk<'_, str>) -> String {
    hunk.lines()
        .iter()
        .find_map(|line| match line {
            diffy::Line::Delete(l) | diffy::Line::Context(l) => {
                let l = l.trim();
                (!l.is_empty()).then(|| l.to_string())
            }
            diffy::Line::Insert(_) => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn write_then_apply_round_trips() {
        let before = files(&[
            ("src/a.rs", "fn a() {\n    1\n}\n"),
            ("src/b.rs", "fn b() {}\n"),
        ]);
        let mut after = before.clone();
        after.insert("src/a.rs".into(), "fn a() {\n    2\n}\n".into());
        let text = write("a returns 2\nwhere 1 is right", &before, &after);
        let patch = Patch::parse(&text).unwrap();
        assert_eq!(patch.description, "a returns 2 where 1 is right");
        assert_eq!(patch.files().unwrap(), vec!["src/a.rs"]);
        let mut applied = before.clone();
        patch.apply(&mut applied).unwrap();
        assert_eq!(applied, after);
    }

    #[test]
    fn a_patch_that_no_longer_applies_names_file_and_hunk() {
        let before = files(&[("src/a.rs", "fn a() {\n    1\n}\n")]);
        let mut after = before.clone();
        after.insert("src/a.rs".into(), "fn a() {\n    2\n}\n".into());
        let patch = Patch::parse(&write("two", &before, &after)).unwrap();
        let mut moved = files(&[("src/a.rs", "fn a() {\n    3\n}\n")]);
        let err = format!("{:#}", patch.apply(&mut moved).unwrap_err());
        assert!(err.contains("src/a.rs") && err.contains("hunk #1"), "{err}");
    }

    #[test]
    fn bad_patches_are_refused() {
        assert!(Patch::parse("just words\n").is_err());
        assert!(Patch::parse("--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1 +1 @@\n-x\n+y\n").is_err());
        let escape = "bad\n--- a/../x.rs\n+++ b/../x.rs\n@@ -1 +1 @@\n-x\n+y\n";
        assert!(Patch::parse(escape).is_err());
    }
}
