//! Checks of the book's sources that `mdbook build` does not fail on: links between pages and
//! to headings, and `{{#include}}` paths and anchors.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// Every problem found in the `.md` files under `book_dir`, one line each.
pub fn check_links(book_dir: &Path) -> Result<Vec<String>> {
    let mut pages = Vec::new();
    collect_pages(book_dir, &mut pages)?;
    let mut problems = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page)
            .with_context(|| format!("cannot read {}", page.display()))?;
        let shown = page
            .strip_prefix(book_dir)
            .unwrap_or(page)
            .display()
            .to_string();
        for problem in check_page(book_dir, page, &text) {
            problems.push(format!("book/{shown}: {problem}"));
        }
    }
    Ok(problems)
}

fn collect_pages(dir: &Path, pages: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_pages(&path, pages)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages.sort();
    Ok(())
}

fn check_page(book_dir: &Path, page: &Path, text: &str) -> Vec<String> {
    let here = page.parent().unwrap_or(book_dir);
    let mut problems = Vec::new();
    for (target, line) in includes(text) {
        problems
            .extend(check_include(book_dir, here, &target).map(|p| format!("line {line}: {p}")));
    }
    for (target, line) in links(text) {
        problems
            .extend(check_link(book_dir, page, here, &target).map(|p| format!("line {line}: {p}")));
    }
    problems
}

/// `{{#include path[:anchor|:lines]}}` and `{{#rustdoc_include …}}` directives, with line numbers.
fn includes(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{#") {
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let directive = after[..end].trim();
            for keyword in ["include ", "rustdoc_include "] {
                if let Some(arg) = directive.strip_prefix(keyword) {
                    found.push((arg.trim().to_string(), n + 1));
                }
            }
            rest = &after[end + 2..];
        }
    }
    found
}

fn check_include(book_dir: &Path, here: &Path, arg: &str) -> Option<String> {
    let (path, selector) = match arg.split_once(':') {
        Some((path, selector)) => (path, Some(selector)),
        None => (arg, None),
    };
    let resolved = normalize(&here.join(path));
    let workbook_root = book_dir.parent().unwrap_or(book_dir);
    if resolved
        .strip_prefix(workbook_root)
        .is_ok_and(|p| p.starts_with("solutions"))
    {
        return Some(format!(
            "`{{{{#include {arg}}}}}` shows a solution: the student copy has no solutions/"
        ));
    }
    let Ok(source) = std::fs::read_to_string(&resolved) else {
        return Some(format!(
            "`{{{{#include {arg}}}}}`: no file {}",
            resolved.display()
        ));
    };
    let anchor =
        selector.filter(|s| !s.is_empty() && !s.chars().next().is_some_and(|c| c.is_ascii_digit()));
    match anchor {
        Some(name) if !source.contains(&format!("ANCHOR: {name}")) => Some(format!(
            "`{{{{#include {arg}}}}}`: {path} has no `ANCHOR: {name}`"
        )),
        _ => None,
    }
}

/// Markdown link targets outside fenced code, with line numbers.
fn links(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let line = strip_code_spans(line);
        let mut rest = line.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("");
            found.push((target.to_string(), n + 1));
            rest = &after[end + 1..];
        }
    }
    found
}

fn strip_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join("")
}

fn check_link(book_dir: &Path, page: &Path, here: &Path, target: &str) -> Option<String> {
    if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        page.to_path_buf()
    } else {
        normalize(&here.join(path))
    };
    if !file.starts_with(book_dir) {
        return Some(format!(
            "link `{target}` leaves book/: the rendered book cannot follow it"
        ));
    }
    if !file.exists() {
        return Some(format!("link `{target}`: no file {}", file.display()));
    }
    let is_page = file.extension().is_some_and(|e| e == "md");
    match fragment {
        Some(id) if is_page => {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            (!heading_ids(&text).contains(id))
                .then(|| format!("link `{target}`: no heading with id `{id}`"))
        }
        _ => None,
    }
}

/// The ids mdbook gives the headings of a page.
pub fn heading_ids(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let base = heading_id(title);
        let mut id = base.clone();
        let mut n = 1;
        while ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ids.insert(id);
    }
    ids
}

/// mdbook's id for a heading: link text kept, lower case, spaces to `-`, other punctuation dropped.
fn heading_id(title: &str) -> String {
    let mut plain = String::new();
    let mut rest = title.trim();
    while let Some(start) = rest.find('[') {
        plain.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match (after.find("]("), after.find(')')) {
            (Some(mid), Some(_)) => {
                plain.push_str(&after[..mid]);
                let tail = &after[mid + 2..];
                rest = tail.find(')').map_or("", |end| &tail[end + 1..]);
            }
            _ => {
                plain.push('[');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    plain
        .trim()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => {
                Some(c.to_lowercase().next().unwrap_or(c))
            }
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_follow_mdbook() {
        let ids = heading_ids(
            "# Intro\n## Exercise 1.2: Sum the `chunks`!\n```\n# not a heading\n```\n# Intro\n",
        );
        let expected: BTreeSet<String> = ["intro", "exercise-12-sum-the-chunks", "intro-1"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn finds_links_and_includes_outside_code() {
        let text = "See [a](a.md#x) and `[b](b.md)`.\n```rust\n{{#include ../labs/x.rs:main}}\nv[0](1)\n```\n";
        assert_eq!(links(text), vec![("a.md#x".to_string(), 1)]);
        assert_eq!(includes(text), vec![("../labs/x.rs:main".to_string(), 3)]);
    }
}
