//! A lab's reference solution, its mutants and its alternatives, and the whole `src/` files each
//! of them makes when put into the starter.
//!
//! `solutions/NN-topic/src/` holds what the student writes (see [`crate::fills`]);
//! `mutants/NAME.patch` and `alternatives/NAME.patch` are diffs against it (see
//! [`crate::patch`]). A mutant is a known-wrong version that a graded test must reject; an
//! alternative is a correct version written differently that every graded test must accept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::patch::Patch;
use crate::workbook::{Lab, Workbook};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Solution,
    Mutant,
    Alternative,
}

impl Kind {
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Solution => "src",
            Kind::Mutant => "mutants",
            Kind::Alternative => "alternatives",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Solution => "solution",
            Kind::Mutant => "mutant",
            Kind::Alternative => "alternative",
        }
    }
}

/// The solution, or a mutant or alternative of it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub kind: Kind,
    /// The patch's file name without `.patch`; `solution` for the solution.
    pub name: String,
    pub description: String,
    pub patch: Option<Patch>,
}

/// A lab's `solutions/NN-topic/` folder.
#[derive(Debug)]
pub struct Solutions {
    pub dir: PathBuf,
    /// The solution's files, by path relative to the folder (`src/…`).
    pub fills: BTreeMap<String, String>,
}

impl Solutions {
    pub fn load(workbook: &Workbook, lab: &Lab) -> Result<Solutions> {
        let dir = workbook.solutions_dir(lab);
        let src = dir.join("src");
        if !src.is_dir() {
            bail!("no solution: expected {}", src.display());
        }
        let mut fills = BTreeMap::new();
        read_tree(&dir, Path::new("src"), &mut fills)?;
        Ok(Solutions { dir, fills })
    }

    pub fn solution(&self) -> Variant {
        Variant {
            kind: Kind::Solution,
            name: "solution".into(),
            description: "the reference solution".into(),
            patch: None,
        }
    }

    /// The mutants or alternatives, by name; a patch that cannot be read is an `Err` under its name.
    pub fn list(&self, kind: Kind) -> Result<Vec<(String, Result<Variant>)>> {
        let folder = self.dir.join(kind.folder());
        if !folder.is_dir() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("cannot list {}", folder.display()))?
        {
            let path = entry?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(stem) = name.strip_suffix(".patch") else {
                found.push((
                    name.clone(),
                    Err(anyhow::anyhow!(
                        "{}: only NAME.patch files belong in {}/",
                        path.display(),
                        kind.folder()
                    )),
                ));
                continue;
            };
            let variant = Patch::load(&path).map(|patch| Variant {
                kind,
                name: stem.to_string(),
                description: patch.description.clone(),
                patch: Some(patch),
            });
            found.push((stem.to_string(), variant));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found)
    }

    /// The solution files of `variant`: the solution with its patch applied.
    pub fn fills_of(&self, variant: &Variant) -> Result<BTreeMap<String, String>> {
        let mut fills = self.fills.clone();
        if let Some(patch) = &variant.patch {
            patch.apply(&mut fills)?;
        }
        Ok(fills)
    }

    /// The whole `src/` files `variant` makes: each solution file merged into the starter file of
    /// the same name (a file the starter lacks is taken as it is). Keys are relative to the lab's
    /// folder (`src/…`).
    pub fn materialize(&self, lab: &Lab, variant: &Variant) -> Result<BTreeMap<String, String>> {
        let fills = self.fills_of(variant)?;
        merge_all(lab, &fills)
    }
}

/// Merges each of `fills` into the starter file of `lab` with the same path.
pub fn merge_all(lab: &Lab, fills: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, fill) in fills {
        let starter_path = lab.dir.join(path);
        let merged = if path.ends_with(".rs") && starter_path.is_file() {
            let starter = std::fs::read_to_string(&starter_path)
                .with_context(|| format!("cannot read {}", starter_path.display()))?;
            match crate::fills::merge(&starter, fill) {
                Ok(merged) => merged,
                Err(why) => {
                    problems.push(format!(
                        "{path}: the solution and the starter disagree:\n{}",
                        indent(&why)
                    ));
                    continue;
                }
            }
        } else {
            fill.clone()
        };
        out.insert(path.clone(), merged);
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(out)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads every file under `root/rel` into `out`, keyed by `/`-separated path relative to `root`.
pub fn read_tree(root: &Path, rel: &Path, out: &mut BTreeMap<String, String>) -> Result<()> {
    let path = root.join(rel);
    if path.is_dir() {
        for entry in
            std::fs::read_dir(&path).with_context(|| format!("cannot list {}", path.display()))?
        {
            read_tree(root, &rel.join(entry?.file_name()), out)?;
        }
    } else {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let key = rel.to_string_lossy().replace('\\', "/");
        out.insert(key, text);
    }
    Ok(())
}
