//! `cargo lab solution`: a maintainer's way to read and edit a lab's solution, mutants and
//! alternatives as whole files.
//!
//! `solutions/` holds only what the student writes (see [`crate::fills`]), and mutants and
//! alternatives are diffs against it (see [`crate::patch`]). This command writes a copy of the
//! workspace with one of them put into the starter, so that it can be read, built and tested like
//! any crate; with `--save` it reads the edited copy back and writes the solution files or the
//! patch. The lab's own `src/` (the starter) is never written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::cargo::Cargo;
use crate::patch::Patch;
use crate::shadow::Shadow;
use crate::variants::{Kind, Solutions, Variant, read_tree};
use crate::workbook::{Lab, Workbook};

/// What to work on.
pub struct Request {
    pub lab: String,
    pub mutant: Option<String>,
    pub alternative: Option<String>,
    pub save: bool,
    /// For `--save` of a new mutant or alternative.
    pub description: Option<String>,
}

pub fn run(workbook: &Workbook, request: &Request) -> Result<()> {
    let lab = workbook.select(std::slice::from_ref(&request.lab))?[0];
    let (kind, name) = match (&request.mutant, &request.alternative) {
        (Some(_), Some(_)) => bail!("give --mutant or --alternative, not both"),
        (Some(name), None) => (Kind::Mutant, name.clone()),
        (None, Some(name)) => (Kind::Alternative, name.clone()),
        (None, None) => (Kind::Solution, "solution".to_string()),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!(
            "{name:?}: a {} name may hold only letters, digits, `-` and `_`",
            kind.label()
        );
    }
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let copy_name = format!("edit-{}-{}", lab.folder, name);
    let copy_root = crate::shadow::scratch_dir(workbook, &cargo.target_dir).join(&copy_name);
    let sols = Solutions::load(workbook, lab)?;
    let patch_path = sols.dir.join(kind.folder()).join(format!("{name}.patch"));

    if request.save {
        return save(workbook, lab, &sols, kind, &patch_path, &copy_root, request);
    }
    let variant = match kind {
        Kind::Solution => sols.solution(),
        _ if patch_path.is_file() => {
            let patch = Patch::load(&patch_path)?;
            Variant {
                kind,
                name: name.clone(),
                description: patch.description.clone(),
                patch: Some(patch),
            }
        }
        // A new one starts as a copy of the solution.
        _ => sols.solution(),
    };
    let files = sols.materialize(lab, &variant)?;
    let shadow = Shadow::create(workbook, &cargo.target_dir, &copy_name)?;
    shadow.put(lab, &files)?;
    let what = match (kind, variant.patch.is_some()) {
        (Kind::Solution, _) => "the solution".to_string(),
        (_, true) => format!("{} `{name}` ({})", kind.label(), variant.description),
        (_, false) => format!(
            "a new {} `{name}`, starting from the solution",
            kind.label()
        ),
    };
    let lab_src = shadow.lab_dir(lab).join("src");
    println!("Wrote a copy of the workspace with {what} in place:");
    println!("  {}", lab_src.display());
    println!("Build and test it there (it shares this workspace's target directory):");
    println!(
        "  cd {} && CARGO_TARGET_DIR={} cargo test -p {}",
        shadow.root.display(),
        cargo.target_dir.display(),
        lab.package
    );
    let mut save = format!("cargo lab solution {}", lab.folder);
    match kind {
        Kind::Solution => {}
        Kind::Mutant => save.push_str(&format!(" --mutant {name}")),
        Kind::Alternative => save.push_str(&format!(" --alternative {name}")),
    }
    save.push_str(" --save");
    if kind != Kind::Solution && variant.patch.is_none() {
        save.push_str(" --description \"what it does differently\"");
    }
    println!("When you have edited it, write it back with:\n  {save}");
    Ok(())
}

fn save(
    workbook: &Workbook,
    lab: &Lab,
    sols: &Solutions,
    kind: Kind,
    patch_path: &Path,
    copy_root: &Path,
    request: &Request,
) -> Result<()> {
    let copy_lab = copy_root.join("labs").join(&lab.folder);
    if !copy_lab.join("src").is_dir() {
        bail!(
            "no edited copy at {}: run the same command without --save first",
            copy_lab.display()
        );
    }
    let mut whole = BTreeMap::new();
    read_tree(&copy_lab, Path::new("src"), &mut whole)?;
    let mut starter = BTreeMap::new();
    read_tree(&lab.dir, Path::new("src"), &mut starter)?;

    // A file that is still the solution's keeps the solution's text as it is.
    let solution = sols.materialize(lab, &sols.solution())?;
    let mut fills = BTreeMap::new();
    for (path, text) in &whole {
        if solution.get(path) == Some(text)
            && let Some(mine) = sols.fills.get(path)
        {
            fills.insert(path.clone(), mine.clone());
            continue;
        }
        match starter.get(path) {
            Some(given) if given == text => {}
            Some(given) if path.ends_with(".rs") => {
                let (mine, changed) = crate::fills::extract(given, text)
                    .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
                for item in changed {
                    eprintln!(
                        "warning: {path}: {item} is given code, and the copy changed it; a solution cannot change given code, so that change is dropped (edit the starter in labs/{}/{path} instead)",
                        lab.folder
                    );
                }
                fills.insert(path.clone(), rustfmt(&mine).with_context(|| path.clone())?);
            }
            Some(_) => bail!(
                "{path} is given (it is not Rust) and the copy changed it: edit it in labs/{}/{path}",
                lab.folder
            ),
            None => {
                fills.insert(path.clone(), text.clone());
            }
        }
    }
    // Prove the round trip before writing anything.
    crate::variants::merge_all(lab, &fills)?;

    match kind {
        Kind::Solution => {
            let src = sols.dir.join("src");
            for old in sols.fills.keys().filter(|p| !fills.contains_key(*p)) {
                std::fs::remove_file(sols.dir.join(old))
                    .with_context(|| format!("cannot remove {}", sols.dir.join(old).display()))?;
            }
            for (path, text) in &fills {
                let to = sols.dir.join(path);
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&to, text)
                    .with_context(|| format!("cannot write {}", to.display()))?;
            }
            println!(
                "Wrote the solution to {} ({} files). Mutants and alternatives are diffs against it: `cargo lab verify {}` says which no longer apply.",
                src.display(),
                fills.len(),
                lab.folder
            );
        }
        Kind::Mutant | Kind::Alternative => {
            let description = match (&request.description, patch_path.is_file()) {
                (Some(d), _) => d.clone(),
                (None, true) => Patch::load(patch_path)?.description,
                (None, false) => bail!(
                    "a new {} needs --description \"…\": one line that says what it does",
                    kind.label()
                ),
            };
            let text = crate::patch::write(&description, &sols.fills, &fills);
            if Patch::parse(&text).is_err() {
                bail!(
                    "the copy is the same as the solution: there is no {} to save",
                    kind.label()
                );
            }
            if let Some(dir) = patch_path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(patch_path, &text)
                .with_context(|| format!("cannot write {}", patch_path.display()))?;
            println!(
                "Wrote {}:\n{text}",
                relative(workbook, patch_path).display()
            );
        }
    }
    Ok(())
}

fn relative(workbook: &Workbook, path: &Path) -> PathBuf {
    path.strip_prefix(&workbook.root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Formats Rust source with rustfmt (edition 2024).
pub fn rustfmt(text: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run rustfmt (rustup component add rustfmt)")?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    let _ = writer.join();
    if !out.status.success() {
        bail!("rustfmt failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}
