//! The workbook on disk: its root, its labs, and how a lab is named on the command line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::manifest::Manifest;

/// A workbook checkout: `book/`, `labs/`, `solutions/` under one Cargo workspace root.
#[derive(Debug)]
pub struct Workbook {
    pub root: PathBuf,
    /// The root package (the `cargo lab` tool, with the workbook's own tests), if there is one.
    pub tool_package: Option<String>,
    pub labs: Vec<Lab>,
}

/// One lab folder, `labs/NN-topic`.
#[derive(Debug)]
pub struct Lab {
    /// The folder name, `NN-topic`.
    pub folder: String,
    pub dir: PathBuf,
    /// The lab's Cargo package, `lab-topic`.
    pub package: String,
    /// Whether the package has a `loom` feature (its loom models build with it).
    pub has_loom_feature: bool,
    /// The parsed `lab.toml`, or why it could not be read (kept, so `verify` can report it as a
    /// failed check while still checking the other labs).
    pub manifest: Result<Manifest, String>,
}

impl Workbook {
    /// Finds every lab under `root/labs`, in folder order.
    pub fn open(root: &Path) -> Result<Workbook> {
        let labs_dir = root.join("labs");
        if !root.join("Cargo.toml").is_file() || !labs_dir.is_dir() {
            bail!(
                "{} is not a workbook: expected a Cargo.toml and a labs/ folder there (use --root)",
                root.display()
            );
        }
        let mut labs = Vec::new();
        for entry in std::fs::read_dir(&labs_dir)
            .with_context(|| format!("cannot list {}", labs_dir.display()))?
        {
            let dir = entry?.path();
            if !dir.join("Cargo.toml").is_file() {
                continue;
            }
            let folder = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned);
            let folder =
                folder.ok_or_else(|| anyhow!("lab folder {} is not valid UTF-8", dir.display()))?;
            let (package, has_loom_feature) = read_package(&dir.join("Cargo.toml"))?;
            let manifest = Manifest::load(&dir.join("lab.toml")).map_err(|e| format!("{e:#}"));
            labs.push(Lab {
                folder,
                dir,
                package,
                has_loom_feature,
                manifest,
            });
        }
        labs.sort_by(|a, b| a.folder.cmp(&b.folder));
        let tool_package = read_package(&root.join("Cargo.toml"))
            .ok()
            .map(|(name, _)| name);
        Ok(Workbook {
            root: root.to_path_buf(),
            tool_package,
            labs,
        })
    }

    /// The labs named on the command line, by folder name or manifest id, in the order given; all
    /// labs when `names` is empty. An unknown name is an error that lists the labs there are.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Lab>> {
        if names.is_empty() {
            return Ok(self.labs.iter().collect());
        }
        let mut chosen: Vec<&Lab> = Vec::new();
        for name in names {
            let lab = self
                .labs
                .iter()
                .find(|lab| lab.answers_to(name))
                .ok_or_else(|| {
                    let known: Vec<String> = self.labs.iter().map(Lab::describe).collect();
                    anyhow!(
                        "no lab named {name:?}; the labs are:\n  {}",
                        known.join("\n  ")
                    )
                })?;
            if !chosen.iter().any(|c| c.folder == lab.folder) {
                chosen.push(lab);
            }
        }
        Ok(chosen)
    }

    pub fn book_dir(&self) -> PathBuf {
        self.root.join("book")
    }

    pub fn solutions_dir(&self, lab: &Lab) -> PathBuf {
        self.root.join("solutions").join(&lab.folder)
    }
}

impl Lab {
    fn answers_to(&self, name: &str) -> bool {
        let name = name.trim_end_matches('/');
        let name = name.strip_prefix("labs/").unwrap_or(name);
        self.folder == name
            || self.package == name
            || self.manifest.as_ref().is_ok_and(|m| m.id == name)
    }

    /// `01-threads (id threads)`, for lists of labs.
    pub fn describe(&self) -> String {
        match &self.manifest {
            Ok(m) => format!("{} (id {})", self.folder, m.id),
            Err(_) => format!("{} (lab.toml unreadable)", self.folder),
        }
    }

    /// The manifest, or the error that says why it is unusable.
    pub fn manifest(&self) -> Result<&Manifest> {
        self.manifest.as_ref().map_err(|e| anyhow!("{e}"))
    }
}

/// The package name in a lab's `Cargo.toml`, and whether it has a `loom` feature.
fn read_package(cargo_toml: &Path) -> Result<(String, bool)> {
    let text = std::fs::read_to_string(cargo_toml)
        .with_context(|| format!("cannot read {}", cargo_toml.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: malformed", cargo_toml.display()))?;
    let name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| anyhow!("{}: no [package] name", cargo_toml.display()))?;
    let has_loom = doc
        .get("features")
        .and_then(|f| f.get(crate::cargo::LOOM_FEATURE))
        .is_some();
    Ok((name.to_owned(), has_loom))
}
