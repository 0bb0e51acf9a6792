//! `cargo lab grade --batch DIR`: a whole class, against one pristine copy.
//!
//! Every folder in `DIR` is a submission (a student's repository, or a folder holding one, as a
//! zip unpacks). Each is graded exactly as `cargo lab grade --root SUBMISSION --pristine
//! PRISTINE` grades it, one after another, each in a sandbox of its own (a fresh uid when the
//! grader is root), sharing one build folder: dependencies are built once, and each
//! submission's lab crates get a version of their own (see `workspace::version_for`). The
//! results go to `--out FOLDER`: `gradebook.csv`, one row per student, and a folder per student
//! with a report in each `--format` asked for.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::{Format, Integrity, Report, Setup, grade_one, write_report};

/// The gradebook's file name in the output folder.
pub const GRADEBOOK: &str = "gradebook.csv";

/// One submission's result.
pub struct Row {
    /// The submission's folder name in `DIR`.
    pub student: String,
    pub outcome: Result<Report, String>,
}

/// Grades every submission in `dir`; writes the gradebook and the reports to `out`.
pub fn run(
    dir: &Path,
    names: &[String],
    integrity: &Integrity,
    formats: &[Format],
    out: &Path,
) -> Result<Vec<Row>> {
    if integrity.pristine.is_none() {
        bail!("--batch needs --pristine DIR: the released copy every submission is graded against");
    }
    let dir = dir
        .canonicalize()
        .with_context(|| format!("--batch {}: no such folder", dir.display()))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = out.canonicalize()?;
    if out.starts_with(&dir) {
        bail!(
            "--out {} is inside the submissions folder {}: put the reports elsewhere",
            out.display(),
            dir.display()
        );
    }
    let formats = if formats.is_empty() {
        vec![Format::Json, Format::Markdown]
    } else {
        formats.to_vec()
    };
    let setup = Setup::new(integrity)?;
    let submissions = discover(&dir)?;
    if submissions.is_empty() {
        bail!("{} holds no submission folders", dir.display());
    }
    eprintln!(
        "grading {} submissions from {} into {}",
        submissions.len(),
        dir.display(),
        out.display()
    );
    let mut rows: Vec<Row> = Vec::new();
    for (student, root) in submissions {
        let start = Instant::now();
        let outcome = match root {
            Ok(root) => grade_one(&setup, &root, names).map_err(|e| format!("{e:#}")),
            Err(why) => Err(why),
        };
        let folder = out.join(file_safe(&student));
        std::fs::create_dir_all(&folder)?;
        match &outcome {
            Ok(report) => {
                for format in &formats {
                    write_report(&folder.join(format.file_name()), &report.render(*format)?)?;
                }
                eprintln!(
                    "graded {}: {}/{} ({}) in {:.0} s",
                    super::terminal::visible_line(&student),
                    report.score,
                    report.max_score,
                    report.standing(),
                    start.elapsed().as_secs_f64()
                );
            }
            Err(why) => {
                write_report(&folder.join("error.txt"), &format!("{why}\n"))?;
                eprintln!(
                    "could not grade {}: {}",
                    super::terminal::visible_line(&student),
                    super::terminal::visible_line(why)
                );
            }
        }
        let grader_compromised = outcome
            .as_ref()
            .is_ok_and(|r| r.incidents.iter().any(|i| i.voids && i.lab.is_none()));
        rows.push(Row { student, outcome });
        write_report(&out.join(GRADEBOOK), &gradebook(&rows))?;
        if grader_compromised {
            bail!(
                "stopped after {}: its tests changed the grader's own files (see its report); \
                 every later submission would be graded by what they left. Clear the build \
                 folder, and grade as root so tests cannot write it",
                rows.last().map_or("", |r| r.student.as_str())
            );
        }
    }
    Ok(rows)
}

/// The submissions in `dir`, by folder name: the workbook in each (the folder itself, or the one
/// folder inside it that holds a `Cargo.toml`, as a zip of a repository unpacks).
fn discover(dir: &Path) -> Result<Vec<(String, Result<PathBuf, String>)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type()?.is_dir() {
            continue;
        }
        let path = entry.path();
        let root = if path.join("Cargo.toml").is_file() {
            Ok(path)
        } else {
            let inner: Vec<PathBuf> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .filter(|p| p.join("Cargo.toml").is_file())
                .collect();
            match inner.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err("no Cargo.toml in it or in a folder inside it: not a workbook".into()),
                _ => Err("more than one folder inside it holds a Cargo.toml".into()),
            }
        };
        found.push((name, root));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// The gradebook as CSV: a row per student, with the total, each lab's score, the grade's
/// standing and what to look at.
pub fn gradebook(rows: &[Row]) -> String {
    let labs: Vec<String> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flat_map(|r| r.labs.iter().map(|l| l.id.clone()))
        .fold(Vec::new(), |mut all, id| {
            if !all.contains(&id) {
                all.push(id);
            }
            all
        });
    let mut header = vec![
        "student".to_string(),
        "score".into(),
        "max_score".into(),
        "percent".into(),
    ];
    header.extend(labs.iter().cloned());
    header.extend(["standing".to_string(), "notes".into()]);
    let mut out = csv_line(&header);
    for row in rows {
        let mut cells = vec![row.student.clone()];
        match &row.outcome {
            Ok(report) => {
                cells.push(report.score.to_string());
                cells.push(report.max_score.to_string());
                cells.push(format!("{:.1}", report.percent()));
                for id in &labs {
                    cells.push(
                        report
                            .labs
                            .iter()
                            .find(|l| &l.id == id)
                            .map_or(String::new(), |l| l.score.to_string()),
                    );
                }
                cells.push(report.standing().to_string());
                cells.push(notes(report));
            }
            Err(why) => {
                cells.extend([String::new(), String::new(), String::new()]);
                cells.extend(labs.iter().map(|_| String::new()));
                cells.push("error".into());
                cells.push(why.lines().next().unwrap_or_default().to_string());
            }
        }
        out += &csv_line(&cells);
    }
    out
}

/// What a person should look at, in one cell.
fn notes(report: &Report) -> String {
    let mut notes = Vec::new();
    if let Some(why) = &report.void {
        notes.push(why.clone());
    }
    for lab in &report.labs {
        if !lab.tampering.is_empty() {
            notes.push(format!(
                "{}: {} protected files changed",
                lab.id,
                lab.tampering.len()
            ));
        }
        if !lab.review.is_empty() {
            notes.push(format!(
                "{}: {} disallowed in src/",
                lab.id,
                lab.review.len()
            ));
        }
    }
    let incidents = report.incidents.iter().filter(|i| !i.voids).count();
    if incidents > 0 {
        notes.push(format!("{incidents} incidents during grading"));
    }
    if !report.advisory.is_empty() {
        notes.push("advisory".into());
    }
    notes.join("; ")
}

/// One CSV line. Cells are quoted as RFC 4180 says, and a cell a spreadsheet would take for a
/// formula (starting with `=`, `+`, `-`, `@`) gets a leading `'`.
fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|cell| {
            let flat: String = cell
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let safe = if flat.starts_with(['=', '+', '-', '@']) {
                format!("'{flat}")
            } else {
                flat
            };
            if safe.contains([',', '"', '\'']) || safe.starts_with(' ') {
                format!("\"{}\"", safe.replace('"', "\"\""))
            } else {
                safe
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

/// A folder name for a student's reports.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match safe.trim_start_matches('.') {
        "" => "_".into(),
        s => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(
            csv_line(&[
                "a,b".into(),
                "=1+1".into(),
                "say \"hi\"".into(),
                "x\ny".into()
            ]),
            "\"a,b\",\"'=1+1\",\"say \"\"hi\"\"\",x y\n"
        );
    }

    #[test]
    fn student_folders_get_safe_names() {
        assert_eq!(file_safe("../../etc"), "_.._etc");
        assert_eq!(file_safe("alice-2027"), "alice-2027");
        assert_eq!(file_safe("..."), "_");
    }
}
