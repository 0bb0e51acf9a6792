//! `solutions/NN-topic/killers.toml`: for each hand-written mutant, the graded test that killed
//! it when `cargo lab verify` last judged it in full, keyed by a hash of the mutant made whole and
//! of everything its verdict depends on.
//!
//! It only makes verify quicker, never more lenient. While an entry's key matches, verify builds
//! and runs that one test first (see [`crate::judge::mutant`]): if it fails in every run, for a
//! reason, the mutant is killed as before, without building and running every other test. The
//! full judgement (every test once, no test left hanging, each failing exercise's grade the same
//! on every run) was made for exactly these files when the entry was written. When the key no
//! longer matches (the mutant, the solution, the starter, the tests, the graded tests, their time
//! limits or the shared helpers changed), or the test no longer kills it, the mutant is judged in
//! full again and its entry rewritten. A clean clone has no cache under `target/`; this file is
//! what lets its verify go straight to each mutant's killer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::cache::Key;
use crate::manifest::{GradedTest, Manifest, Mode};
use crate::workbook::{Lab, Workbook};

pub const FILE_NAME: &str = "killers.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(default, rename = "mutant")]
    pub mutants: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The mutant's name (its patch's file stem).
    pub name: String,
    /// See [`key`].
    pub key: String,
    /// The graded test that killed it, `target::name`.
    pub test: String,
    /// `plain` or `loom`.
    pub mode: String,
}

pub fn path(workbook: &Workbook, lab: &Lab) -> PathBuf {
    workbook.solutions_dir(lab).join(FILE_NAME)
}

impl Record {
    /// The record at `path`; an empty one when there is none, or when it cannot be read (it is
    /// only a hint: verify then judges every mutant in full and writes it anew).
    pub fn load_or_empty(path: &Path) -> Record {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let header = "# Written by `cargo lab verify`: the graded test that killed each mutant when it was last judged\n\
                      # in full, with a hash of the mutant and of the tests. While the hash matches, verify runs that test\n\
                      # first and stops there when it fails on every run; otherwise it judges the mutant in full again.\n\
                      # Commit it with the change that made it: a clean clone (CI) then goes straight to each killer.\n";
        let text = format!("{header}{}", toml::to_string(self)?);
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The recorded killer of mutant `name`, when its key is `key` and it is still a graded test.
    pub fn hint<'a>(
        &self,
        name: &str,
        key: &str,
        graded: &'a [GradedTest],
    ) -> Option<&'a GradedTest> {
        let entry = self
            .mutants
            .iter()
            .find(|e| e.name == name && e.key == key)?;
        let mode = match entry.mode.as_str() {
            "plain" => Mode::Plain,
            "loom" => Mode::Loom,
            _ => return None,
        };
        graded
            .iter()
            .find(|t| t.mode == mode && t.test.to_string() == entry.test)
    }

    /// Records `killer` for mutant `name` under `key`; whether that changed anything.
    pub fn set(&mut self, name: &str, key: &str, killer: &GradedTest) -> bool {
        let entry = Entry {
            name: name.to_string(),
            key: key.to_string(),
            test: killer.test.to_string(),
            mode: match killer.mode {
                Mode::Plain => "plain".into(),
                Mode::Loom => "loom".into(),
            },
        };
        match self.mutants.iter_mut().find(|e| e.name == name) {
            Some(old) if *old == entry => false,
            Some(old) => {
                *old = entry;
                true
            }
            None => {
                self.mutants.push(entry);
                self.mutants.sort_by(|a, b| a.name.cmp(&b.name));
                true
            }
        }
    }

    /// Drops the entries of mutants that are gone; whether there were any.
    pub fn keep_only(&mut self, names: &[&str]) -> bool {
        let before = self.mutants.len();
        self.mutants.retain(|e| names.contains(&e.name.as_str()));
        self.mutants.len() != before
    }
}

/// The hash an entry is valid for: the mutant made whole (`files`, as they overwrite the starter),
/// the starter, the tests, the lab's Cargo.toml, the graded tests with their time limits, the
/// shared helpers and how many runs a verdict takes.
pub fn key(
    workbook: &Workbook,
    lab: &Lab,
    manifest: &Manifest,
    files: &BTreeMap<String, String>,
    repeat: usize,
) -> Result<String> {
    let graded: Vec<String> = manifest
        .graded_tests()
        .iter()
        .map(|t| {
            format!(
                "{} {} {:?} {}",
                t.exercise,
                t.test,
                t.mode,
                t.timeout.as_secs()
            )
        })
        .collect();
    Ok(Key::new("mutant killer")
        .files("mutant", files)
        .tree("starter", &lab.dir.join("src"))?
        .tree("tests", &lab.dir.join("tests"))?
        .file("Cargo.toml", &lab.dir.join("Cargo.toml"))
        .text("graded", &graded.join("\n"))
        .tree("support", &workbook.root.join("support"))?
        .text("repeat", &repeat.to_string())
        .hex())
}

/// The killer a finding names (`… — by target::test (5/5 runs…): …`), for findings replayed
/// from the cache, which keep only their text.
pub fn named_in(finding: &str, graded: &[GradedTest]) -> Option<GradedTest> {
    for (at, _) in finding.match_indices(" — by ") {
        let rest = &finding[at + " — by ".len()..];
        let Some((test, after)) = rest.split_once(" (") else {
            continue;
        };
        if test.contains(char::is_whitespace) {
            continue;
        }
        let runs = after.split(" runs").next().unwrap_or_default();
        let looks_like_runs = runs
            .split_once('/')
            .is_some_and(|(a, b)| a.parse::<usize>().is_ok() && b.parse::<usize>().is_ok());
        if !looks_like_runs {
            continue;
        }
        let found: Vec<&GradedTest> = graded
            .iter()
            .filter(|t| t.test.to_string() == test)
            .collect();
        // A test graded in both modes is ambiguous from the text alone: the plain one killed it
        // when both could (a plain killer is named first).
        return found
            .iter()
            .find(|t| t.mode == Mode::Plain)
            .or_else(|| found.first())
            .map(|t| (*t).clone());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TestName;
    use std::time::Duration;

    fn graded(name: &str, mode: Mode) -> GradedTest {
        let (target, name) = name.split_once("::").unwrap();
        GradedTest {
            test: TestName {
                target: target.into(),
                name: name.into(),
            },
            mode,
            exercise: "1.1".into(),
            timeout: Duration::from_secs(30),
        }
    }

    #[test]
    fn reads_the_killer_out_of_a_findings_text() {
        let all = [
            graded("queue::pops_in_order", Mode::Plain),
            graded("loom_queue::model", Mode::Loom),
        ];
        let text = "push forgets — by the way, a dash — by queue::pops_in_order (5/5 runs, 2 exercises fail): failed: left — by x (y)";
        assert_eq!(named_in(text, &all).unwrap().test.name, "pops_in_order");
        let loom = "bug — by loom_queue::model (5/5 runs): failed: deadlock";
        assert_eq!(named_in(loom, &all).unwrap().mode, Mode::Loom);
        assert!(named_in("bug — by gone::test (5/5 runs): failed", &all).is_none());
        assert!(named_in("no killer here", &all).is_none());
    }

    #[test]
    fn a_hint_needs_the_same_key_and_a_graded_test() {
        let all = [graded("queue::pops_in_order", Mode::Plain)];
        let mut record = Record::default();
        assert!(record.set("m", "k1", &all[0]));
        assert!(!record.set("m", "k1", &all[0]), "nothing changed");
        assert!(record.hint("m", "k1", &all).is_some());
        assert!(record.hint("m", "k2", &all).is_none(), "another key");
        assert!(record.hint("other", "k1", &all).is_none());
        let renamed = [graded("queue::pops_in_order", Mode::Loom)];
        assert!(
            record.hint("m", "k1", &renamed).is_none(),
            "no longer graded so"
        );
        assert!(record.keep_only(&["n"]));
        assert!(record.mutants.is_empty());
    }
}
