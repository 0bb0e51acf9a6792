//! `cargo lab hint N.M`: the exercise's hints from its chapter, one at a time.
//!
//! The hints are the chapter's folded `<details>` blocks between the exercise's heading and the
//! next heading of the same level or higher. Each call prints the next one; how many were shown
//! is remembered in `target/lab/hints.toml`, so a student working in a terminal never has to
//! search the book. `--all` prints them all; `--reset` starts over.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cargo::Cargo;
use crate::workbook::Workbook;

/// One hint: its title (the `<summary>`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub title: String,
    pub body: String,
}

pub struct Request {
    pub exercise: String,
    pub all: bool,
    pub reset: bool,
}

pub fn run(workbook: &Workbook, request: &Request) -> Result<()> {
    let (lab, chapter) = find_exercise(workbook, &request.exercise)?;
    let text = std::fs::read_to_string(&chapter)
        .with_context(|| format!("cannot read {}", chapter.display()))?;
    let hints = hints(
        &text,
        &request.exercise,
        chapter.parent().unwrap_or(Path::new(".")),
    )
    .with_context(|| format!("{}", chapter.display()))?;
    let shown_path = state_path(workbook)?;
    let mut shown = load_state(&shown_path);
    let rel = chapter
        .strip_prefix(&workbook.root)
        .unwrap_or(&chapter)
        .display()
        .to_string();
    if hints.is_empty() {
        println!(
            "Exercise {} ({lab}) has no hints in {rel}: the chapter's text before the exercise is the place to read.",
            request.exercise
        );
        return Ok(());
    }
    if request.reset {
        shown.remove(&request.exercise);
        save_state(&shown_path, &shown)?;
        println!("The hints of exercise {} start over.", request.exercise);
        return Ok(());
    }
    if request.all {
        for (i, hint) in hints.iter().enumerate() {
            print_hint(&request.exercise, i, hints.len(), hint);
        }
        return Ok(());
    }
    let next = shown.get(&request.exercise).copied().unwrap_or(0);
    if next >= hints.len() {
        println!(
            "You have seen all {} hints of exercise {}. `cargo lab hint {} --all` shows them again; `--reset` starts over. The exercise is in {rel}.",
            hints.len(),
            request.exercise,
            request.exercise
        );
        return Ok(());
    }
    print_hint(&request.exercise, next, hints.len(), &hints[next]);
    shown.insert(request.exercise.clone(), next + 1);
    save_state(&shown_path, &shown)?;
    if next + 1 < hints.len() {
        println!(
            "\n(Stuck still? `cargo lab hint {}` again shows hint {} of {}.)",
            request.exercise,
            next + 2,
            hints.len()
        );
    } else {
        println!(
            "\n(That was the last hint of exercise {}.)",
            request.exercise
        );
    }
    Ok(())
}

fn print_hint(exercise: &str, index: usize, count: usize, hint: &Hint) {
    println!(
        "Exercise {exercise}, hint {} of {count}: {}\n\n{}",
        index + 1,
        hint.title,
        hint.body.trim_end()
    );
}

/// The lab that has exercise `id`, and its chapter.
fn find_exercise(workbook: &Workbook, id: &str) -> Result<(String, PathBuf)> {
    for lab in &workbook.labs {
        if let Ok(m) = &lab.manifest
            && m.exercises.iter().any(|ex| ex.id == id)
        {
            return Ok((lab.folder.clone(), workbook.book_dir().join(&m.chapter)));
        }
    }
    let known: Vec<String> = workbook
        .labs
        .iter()
        .filter_map(|lab| lab.manifest.as_ref().ok())
        .flat_map(|m| m.exercises.iter().map(|ex| ex.id.clone()))
        .collect();
    bail!(
        "no exercise {id:?}; the exercises are: {} (`cargo lab status` shows where you stand)",
        known.join(", ")
    )
}

/// The hints of exercise `id` in a chapter's text: the `<details>` blocks of its section.
pub fn hints(text: &str, id: &str, chapter_dir: &Path) -> Result<Vec<Hint>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut in_code = false;
    let mut start = None;
    let mut level = 0;
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes == 0 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let title = line[hashes..].trim();
        match start {
            None => {
                let rest = title.strip_prefix("Exercise ").unwrap_or("");
                let matches = rest.strip_prefix(id).is_some_and(|after| {
                    after.is_empty() || !after.starts_with(|c: char| c.is_ascii_digit())
                });
                if matches {
                    start = Some(i + 1);
                    level = hashes;
                }
            }
            Some(_) if hashes <= level => {
                end = i;
                break;
            }
            Some(_) => {}
        }
    }
    let Some(start) = start else {
        bail!("no heading `Exercise {id}` in the chapter");
    };
    let section = lines[start..end].join("\n");
    let mut found = Vec::new();
    let mut rest = section.as_str();
    while let Some(open) = rest.find("<details>") {
        let after = &rest[open + "<details>".len()..];
        let Some(close) = after.find("</details>") else {
            break;
        };
        let block = &after[..close];
        let (title, body) = match (block.find("<summary>"), block.find("</summary>")) {
            (Some(a), Some(b)) if a < b => (
                block[a + "<summary>".len()..b].trim().to_string(),
                block[b + "</summary>".len()..].to_string(),
            ),
            _ => ("Hint".to_string(), block.to_string()),
        };
        found.push(Hint {
            title,
            body: expand_includes(body.trim_matches('\n'), chapter_dir),
        });
        rest = &after[close + "</details>".len()..];
    }
    Ok(found)
}

/// Replaces `{{#include path[:anchor]}}` by the lines it names, as mdbook would.
fn expand_includes(text: &str, chapter_dir: &Path) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let directive = trimmed
            .strip_prefix("{{#include ")
            .or_else(|| trimmed.strip_prefix("{{#rustdoc_include "))
            .and_then(|rest| rest.strip_suffix("}}"));
        match directive.and_then(|arg| included(arg.trim(), chapter_dir)) {
            Some(lines) => out.push_str(&lines),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn included(arg: &str, chapter_dir: &Path) -> Option<String> {
    let (path, anchor) = match arg.split_once(':') {
        Some((p, a)) => (p, Some(a)),
        None => (arg, None),
    };
    let text = std::fs::read_to_string(chapter_dir.join(path)).ok()?;
    let mut out = String::new();
    let mut inside = anchor.is_none();
    for line in text.lines() {
        if let Some(name) = anchor {
            if line.contains(&format!("ANCHOR: {name}")) {
                inside = true;
                continue;
            }
            if line.contains(&format!("ANCHOR_END: {name}")) {
                break;
            }
        }
        if inside && !line.contains("ANCHOR: ") && !line.contains("ANCHOR_END: ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

fn state_path(workbook: &Workbook) -> Result<PathBuf> {
    let cargo = Cargo::for_workspace(&workbook.root)?;
    Ok(cargo.target_dir.join("lab").join("hints.toml"))
}

fn load_state(path: &Path) -> BTreeMap<String, usize> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_state(path: &Path, state: &BTreeMap<String, usize>) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, toml::to_string(state)?)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "# Lab\n\n### Exercise 1.1: one\n\nText.\n\n<details><summary>Hint 1</summary>\n\nUse `spawn`.\n\n</details>\n\n```text\n## not a heading\n```\n\n<details><summary>Hint 2</summary>\nJoin it.\n</details>\n\n### Exercise 1.10: ten\n\n<details><summary>Other</summary>\nNo.\n</details>\n";

    #[test]
    fn hints_are_the_details_of_the_exercise_section() {
        let found = hints(CHAPTER, "1.1", Path::new(".")).unwrap();
        assert_eq!(
            found,
            vec![
                Hint {
                    title: "Hint 1".into(),
                    body: "Use `spawn`.\n".into()
                },
                Hint {
                    title: "Hint 2".into(),
                    body: "Join it.\n".into()
                },
            ]
        );
        assert_eq!(hints(CHAPTER, "1.10", Path::new(".")).unwrap().len(), 1);
        assert!(hints(CHAPTER, "1.2", Path::new(".")).is_err());
    }
}
