//! The shadow workspace: a copy of the workbook under the target directory in which a lab's
//! `src/` is replaced by its solution, or by a mutant on top of the solution.
//!
//! The student's files are only ever read. Cargo builds the shadow into the real workspace's
//! target directory, so dependencies compiled once serve both; only the lab crate itself is
//! rebuilt for each variant (files are freshly written, so their modification times always move
//! forward and Cargo never mistakes an older variant for an up-to-date build).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::workbook::{Lab, Workbook};

/// Files at the workspace root that a build may read.
const ROOT_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain",
    "rust-toolchain.toml",
    "rustfmt.toml",
    ".rustfmt.toml",
    "clippy.toml",
    ".clippy.toml",
];

/// Folders at the workspace root that the workspace manifest needs.
const ROOT_DIRS: &[&str] = &["src", "labs", "support", ".cargo"];

pub struct Shadow {
    pub root: PathBuf,
    /// The version its labs get: `0.0.0-lab-<name>-<workbook key>`, unique to this copy.
    version: String,
}

impl Shadow {
    /// A fresh shadow copy of `workbook` in the folder `name` of its [`scratch_dir`], ready to
    /// build solutions and mutants in.
    pub fn create(workbook: &Workbook, target_dir: &Path, name: &str) -> Result<Shadow> {
        let shadow = Shadow::create_named(workbook, target_dir, name)?;
        shadow.set_shadow_versions()?;
        Ok(shadow)
    }

    /// A fresh copy of `workbook` in the folder `name` of its [`scratch_dir`]. Call
    /// [`Shadow::set_shadow_versions`] once its lab manifests are final, before building.
    pub fn create_named(workbook: &Workbook, target_dir: &Path, name: &str) -> Result<Shadow> {
        let root = scratch_dir(workbook, target_dir).join(name);
        if root.exists() {
            std::fs::remove_dir_all(&root)
                .with_context(|| format!("cannot clear {}", root.display()))?;
        }
        std::fs::create_dir_all(&root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        for file in ROOT_FILES {
            let from = workbook.root.join(file);
            if from.is_file() {
                copy_file(&from, &root.join(file))?;
            }
        }
        for dir in ROOT_DIRS {
            let from = workbook.root.join(dir);
            if from.is_dir() {
                copy_tree(&from, &root.join(dir))?;
            }
        }
        Ok(Shadow {
            root,
            version: format!("0.0.0-lab-{name}-{}", workbook_key(workbook)),
        })
    }

    /// Where a cargo building in this copy may put its final artifacts, apart from every other
    /// copy's (see [`crate::cargo::Cargo::with_artifact_dir`]).
    pub fn artifact_dir(&self) -> PathBuf {
        let mut name = self.root.file_name().unwrap_or_default().to_os_string();
        name.push("-artifacts");
        self.root.with_file_name(name)
    }

    pub fn lab_dir(&self, lab: &Lab) -> PathBuf {
        self.root.join("labs").join(&lab.folder)
    }

    /// Gives the shadow's copy of every lab a version of its own.
    ///
    /// Cargo names a workspace member's artifacts by a hash of its name, version and path
    /// *relative to the workspace root*, which is the same in every copy of a workbook. With a
    /// shared target directory, two copies would then share artifacts, and Cargo can take one
    /// copy's build for an up-to-date build of the other (seen: a solution graded with the
    /// starter's test binaries). A version unique to the copy (its name and its workbook) gives
    /// its lab crates artifacts of their own; dependencies stay shared.
    ///
    /// The shared test helpers (`support/`) get the same treatment: a copy made before they
    /// changed must not lend its build of them to a copy made after.
    pub fn set_shadow_versions(&self) -> Result<()> {
        for path in self.member_manifests()? {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mut doc: toml::Table =
                toml::from_str(&text).with_context(|| format!("{}: malformed", path.display()))?;
            if let Some(toml::Value::Table(package)) = doc.get_mut("package") {
                package.insert("version".into(), self.version.clone().into());
            }
            std::fs::write(&path, toml::to_string(&doc)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Builds this copy's own crates (every lab and the shared test helpers) without debug
    /// information, and links their binaries without that of their dependencies: a cargo
    /// configuration in the copy's `.cargo/config.toml`, per package, so dependencies are still
    /// built once and shared with the workspace.
    ///
    /// For the copies that judge solutions, mutants and alternatives. Each copy keeps its own
    /// build of every lab, in debug and release mode, with its incremental cache: with eight
    /// copies and full debug information, a cold `cargo lab verify` of all labs filled 29 GB of
    /// `target/`, 26 GB of it test binaries and incremental caches (a test binary of lab 06 takes
    /// 12.8 MB with it and 1.7 MB without, its incremental cache 14 MB and 7 MB), and a CI machine
    /// ran out of disk. Nothing reads it: a failure is reported by its panic message, whose file
    /// and line are compiled in either way.
    pub fn build_lean(&self) -> Result<()> {
        let mut packages = Vec::new();
        for path in self.member_manifests()? {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let doc: toml::Table =
                toml::from_str(&text).with_context(|| format!("{}: malformed", path.display()))?;
            if let Some(name) = doc
                .get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
            {
                packages.push(name.to_string());
            }
        }
        let config = self.root.join(".cargo").join("config.toml");
        let mut doc: toml::Table = if config.is_file() {
            let text = std::fs::read_to_string(&config)
                .with_context(|| format!("cannot read {}", config.display()))?;
            toml::from_str(&text).with_context(|| format!("{}: malformed", config.display()))?
        } else {
            toml::Table::new()
        };
        // Merged into what the workbook's configuration already says, so that a setting of its
        // own for these packages stays (except these two keys) and no table is written twice.
        fn table<'a>(parent: &'a mut toml::Table, key: &str) -> Result<&'a mut toml::Table> {
            parent
                .entry(key)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .with_context(|| format!("`{key}` in .cargo/config.toml is not a table"))
        }
        for profile in ["dev", "release"] {
            let overrides = table(table(table(&mut doc, "profile")?, profile)?, "package")?;
            for package in &packages {
                let settings = table(overrides, package)?;
                settings.insert("debug".into(), false.into());
                settings.insert("strip".into(), "debuginfo".into());
            }
        }
        std::fs::create_dir_all(self.root.join(".cargo"))?;
        std::fs::write(&config, toml::to_string(&doc)?)
            .with_context(|| format!("cannot write {}", config.display()))
    }

    /// The manifests of the copy's own packages: the shared test helpers and every lab.
    fn member_manifests(&self) -> Result<Vec<PathBuf>> {
        let labs = self.root.join("labs");
        let mut manifests = vec![self.root.join("support").join("Cargo.toml")];
        for entry in
            std::fs::read_dir(&labs).with_context(|| format!("cannot list {}", labs.display()))?
        {
            manifests.push(entry?.path().join("Cargo.toml"));
        }
        manifests.retain(|path| path.is_file());
        Ok(manifests)
    }

    /// Resets the shadow lab's `src/` to the starter, then writes `files` (paths relative to the
    /// lab folder, `src/…`) over it: a solution, mutant or alternative made whole.
    pub fn put(&self, lab: &Lab, files: &BTreeMap<String, String>) -> Result<()> {
        let lab_dir = self.lab_dir(lab);
        let src = lab_dir.join("src");
        if src.exists() {
            std::fs::remove_dir_all(&src)
                .with_context(|| format!("cannot clear {}", src.display()))?;
        }
        copy_tree(&lab.dir.join("src"), &src)?;
        // Every other lab back to its starter: a lab may depend on another (lab 08 on lab 04),
        // and a variant of that one left here by an earlier check must not be built with this.
        if let Some(labs) = lab.dir.parent() {
            for entry in std::fs::read_dir(labs)? {
                let from = entry?.path().join("src");
                let Some(name) = from.parent().and_then(|d| d.file_name()) else {
                    continue;
                };
                let to = self.root.join("labs").join(name).join("src");
                if from.is_dir() && to != src && !same_tree(&from, &to) {
                    let _ = std::fs::remove_dir_all(&to);
                    copy_tree(&from, &to)?;
                }
            }
        }
        for (path, text) in files {
            let to = lab_dir.join(path);
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(&to, text).with_context(|| format!("cannot write {}", to.display()))?;
        }
        Ok(())
    }
}

/// Where `cargo lab` keeps its copies for `workbook` under `target_dir`: one folder per
/// workbook, so workbooks sharing a target directory never share a shadow.
pub fn scratch_dir(workbook: &Workbook, target_dir: &Path) -> PathBuf {
    let name = workbook
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    target_dir.join("lab").join(format!(
        "{}-{}",
        name.unwrap_or_default(),
        workbook_key(workbook)
    ))
}

/// A short hash of the workbook's absolute path: what tells two workbooks apart when they
/// share a target directory (an instructor grading many submissions with one build cache).
fn workbook_key(workbook: &Workbook) -> String {
    let root = workbook
        .root
        .canonicalize()
        .unwrap_or_else(|_| workbook.root.clone());
    let mut hasher = std::hash::DefaultHasher::new();
    root.hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}

/// Copies the tree `from` into `to` (merging into what is there), skipping `target` folders.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))?
    {
        let entry = entry?;
        let (path, name) = (entry.path(), entry.file_name());
        if entry.file_type()?.is_dir() {
            if name != "target" {
                copy_tree(&path, &to.join(&name))?;
            }
        } else {
            copy_file(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

/// Whether the trees `a` and `b` hold the same files with the same contents.
fn same_tree(a: &Path, b: &Path) -> bool {
    fn files(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                files(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.insert(rel, std::fs::read(&path)?);
            }
        }
        Ok(())
    }
    let (mut x, mut y) = (BTreeMap::new(), BTreeMap::new());
    files(a, a, &mut x).is_ok() && files(b, b, &mut y).is_ok() && x == y
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lean_builds_leave_out_debug_information_of_the_copys_own_packages_only() {
        let root = std::env::temp_dir().join(format!("lab-lean-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (dir, name) in [("support", "lab-support"), ("labs/01-x", "lab-x")] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(
                root.join(dir).join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n"),
            )
            .unwrap();
        }
        std::fs::create_dir_all(root.join(".cargo")).unwrap();
        std::fs::write(
            root.join(".cargo/config.toml"),
            "[alias]\nlab = \"run --quiet --package workbook --\"\n\
             [profile.dev.package.lab-x]\nopt-level = 1\n",
        )
        .unwrap();
        let shadow = Shadow {
            root: root.clone(),
            version: "0.0.0-test".into(),
        };
        shadow.build_lean().unwrap();

        let text = std::fs::read_to_string(root.join(".cargo/config.toml")).unwrap();
        let config: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            config["alias"]["lab"].as_str(),
            Some("run --quiet --package workbook --"),
            "the workbook's own configuration is kept"
        );
        assert_eq!(
            config["profile"]["dev"]["package"]["lab-x"]["opt-level"].as_integer(),
            Some(1),
            "a setting the workbook makes for one of its packages is kept"
        );
        for profile in ["dev", "release"] {
            let packages = config["profile"][profile]["package"].as_table().unwrap();
            let mut names: Vec<&String> = packages.keys().collect();
            names.sort();
            assert_eq!(
                names,
                ["lab-support", "lab-x"],
                "{profile}: only the copy's packages"
            );
            for settings in packages.values() {
                assert_eq!(settings["debug"].as_bool(), Some(false));
                assert_eq!(settings["strip"].as_str(), Some("debuginfo"));
            }
        }
        let _ = std::fs::remove_dir_all(&root);
    }
}
