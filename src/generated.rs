//! The record of a lab's generated mutants, `solutions/NN-topic/generated.toml`: what
//! `cargo lab mutate` found, keyed by a hash of everything the verdicts depend on, so that
//! `cargo lab verify` can tell when it is stale without judging every mutant again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::cache::Key;
use crate::manifest::Manifest;
use crate::variants::Solutions;
use crate::workbook::{Lab, Workbook};

pub const FILE_NAME: &str = "generated.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The hash of the solution, the starter, the tests, the manifest's graded tests, the shared
    /// helpers and the operators the verdicts were made with.
    pub key: String,
    /// What generated the mutants.
    pub generator: String,
    #[serde(default, rename = "mutant")]
    pub mutants: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub operator: String,
    /// `killed`, `unviable`, `survived` or `flawed` (see [`crate::judge::Judgement`]).
    pub verdict: String,
    /// For `killed`: the test and the reason; otherwise why it is not killed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

pub fn path(workbook: &Workbook, lab: &Lab) -> PathBuf {
    workbook.solutions_dir(lab).join(FILE_NAME)
}

impl Record {
    pub fn load(path: &Path) -> Result<Record> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}: malformed", path.display()))
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let header = "# Written by `cargo lab mutate`: the verdict on each generated mutant of this lab's solution.\n\
                      # `cargo lab verify` fails when `key` no longer matches what the verdicts depend on, or when a\n\
                      # mutant that was not killed is not listed in lab.toml under [[equivalent]] with a reason.\n";
        let text = format!("{header}{}", toml::to_string(self)?);
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn by_verdict(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for m in &self.mutants {
            *counts.entry(m.verdict.as_str()).or_default() += 1;
        }
        counts
    }
}

/// The hash that makes a record current: the solution files, the starter, the tests, the lab's
/// Cargo.toml, the graded tests of its manifest, the shared helpers, and the generator.
pub fn key(
    workbook: &Workbook,
    lab: &Lab,
    sols: &Solutions,
    manifest: &Manifest,
    generator: &str,
) -> Result<String> {
    let graded: Vec<String> = manifest
        .graded_tests()
        .iter()
        .map(|t| format!("{} {} {:?}", t.exercise, t.test, t.mode))
        .collect();
    Ok(Key::new("generated mutants")
        .text("generator", generator)
        .files("solution", &sols.fills)
        .tree("starter", &lab.dir.join("src"))?
        .tree("tests", &lab.dir.join("tests"))?
        .file("Cargo.toml", &lab.dir.join("Cargo.toml"))
        .text("graded", &graded.join("\n"))
        .tree("support", &workbook.root.join("support"))?
        .hex())
}
