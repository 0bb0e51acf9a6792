//! The generic mutation operators of `cargo-mutants` (return a default value, flip a comparison or
//! a boolean operator, delete a `!`, …), applied to what the student writes.
//!
//! `cargo-mutants` is the maintained tool for this, so it is not rewritten here: `cargo mutants
//! --list --json` lists its mutants of the lab with the solution in place (in a shadow copy), and
//! each one that falls inside code that came from the solution file is carried back to that file
//! through the merge's map, so that it becomes a diff against the solution like every other
//! mutant. Judging stays with `cargo lab` (one process per test, loom, repeat runs), which
//! `cargo-mutants`' own test runner does not do. Optional: without `cargo-mutants` installed, only
//! the concurrency operators run, and the record says so.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::cargo::Cargo;
use crate::fills::Source;
use crate::shadow::Shadow;
use crate::variants::Solutions;
use crate::workbook::{Lab, Workbook};

/// A mutant of `cargo-mutants`, carried back to a solution file.
pub struct Mutant {
    pub name: String,
    pub operator: String,
    /// The solution file (`src/…`).
    pub path: String,
    /// The solution file with the mutation.
    pub mutated: String,
}

/// `cargo-mutants X.Y.Z` when it is installed.
pub fn available() -> Option<String> {
    let out = Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn mutants(
    workbook: &Workbook,
    cargo: &Cargo,
    lab: &Lab,
    sols: &Solutions,
) -> Result<Vec<Mutant>> {
    // The solution in place, with the map from each merged file back to its solution file.
    let mut merged = std::collections::BTreeMap::new();
    let mut files = std::collections::BTreeMap::new();
    for (path, fill) in &sols.fills {
        let starter = lab.dir.join(path);
        if !(path.ends_with(".rs") && starter.is_file()) {
            continue;
        }
        let text = std::fs::read_to_string(&starter)?;
        let m =
            crate::fills::merge_mapped(&text, fill).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        files.insert(path.clone(), m.text.clone());
        merged.insert(path.clone(), m);
    }
    let shadow = Shadow::create(workbook, &cargo.target_dir, "mutate-generic")?;
    shadow.put(lab, &files)?;

    let out = Command::new("cargo")
        .args(["mutants", "--list", "--json", "--package", &lab.package])
        .current_dir(&shadow.root)
        .env("CARGO_TARGET_DIR", &cargo.target_dir)
        .output()
        .context("cannot run cargo mutants")?;
    if !out.status.success() {
        bail!(
            "cargo mutants --list failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let listed: Value = serde_json::from_slice(&out.stdout)
        .context("cargo mutants --list --json printed something that is not JSON")?;
    let prefix = format!("labs/{}/", lab.folder);
    let mut found = Vec::new();
    for m in listed.as_array().into_iter().flatten() {
        let Some(file) = m["file"].as_str() else {
            continue;
        };
        let path = file.strip_prefix(&prefix).unwrap_or(file).to_string();
        let Some(map) = merged.get(&path) else {
            continue;
        };
        let (Some(start), Some(end)) = (position(&m["span"]["start"]), position(&m["span"]["end"]))
        else {
            continue;
        };
        let src = Source::new(&map.text);
        let range = src.offset(start)..src.offset(end);
        // Only what the student writes: the stretches that came from the solution file.
        let Some(back) = map.fills_range(range.clone()) else {
            continue;
        };
        let replacement = m["replacement"].as_str().unwrap_or_default();
        let fill = &sols.fills[&path];
        let mutated = format!("{}{replacement}{}", &fill[..back.start], &fill[back.end..]);
        let genre = m["genre"].as_str().unwrap_or("generic");
        // cargo-mutants' own words, without its `file:line:col: ` (lines move).
        let words = m["name"]
            .as_str()
            .and_then(|n| n.splitn(4, ':').nth(3))
            .map(str::trim)
            .unwrap_or(replacement)
            .to_string();
        found.push(Mutant {
            name: format!("{path}: {words}"),
            operator: format!("cargo-mutants {}", genre.to_lowercase()),
            path,
            mutated,
        });
    }
    Ok(found)
}

/// cargo-mutants' `{"line": L, "column": C}`, both counted from 1.
fn position(v: &Value) -> Option<proc_macro2::LineColumn> {
    let line = v["line"].as_u64()? as usize;
    let column = v["column"].as_u64()? as usize;
    Some(proc_macro2::LineColumn {
        line,
        column: column.saturating_sub(1),
    })
}
