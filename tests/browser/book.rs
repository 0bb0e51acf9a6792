//! The book's side of the browser test: building it, its chapters, and the code it includes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the book at `root` with `mdbook` into `dest` (emptied first) and returns the problems
/// mdbook reported: a failed build, or ERROR/WARN lines.
///
/// `site-url` is set to `/`, where the test serves the book, as the Pages workflow sets it to the
/// site's path: that is what makes the 404 page's links work at any depth. The Rust playground's
/// Run buttons are turned off: they call play.rust-lang.org as a page loads, an outside service
/// this test neither reaches nor checks (Chromium is kept on 127.0.0.1).
pub fn build(mdbook: &Path, root: &Path, dest: &Path) -> Vec<String> {
    if dest.exists() {
        std::fs::remove_dir_all(dest)
            .unwrap_or_else(|e| panic!("cannot empty {}: {e}", dest.display()));
    }
    let out = Command::new(mdbook)
        .arg("build")
        .arg(root)
        .arg("--dest-dir")
        .arg(dest)
        .env("MDBOOK_OUTPUT__HTML__SITE_URL", "/")
        .env("MDBOOK_OUTPUT__HTML__PLAYGROUND__RUNNABLE", "false")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", mdbook.display()));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return vec![format!("mdbook build failed:\n{log}")];
    }
    log.lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .map(|l| format!("mdbook build: {}", l.trim()))
        .collect()
}

/// One page of `SUMMARY.md`.
pub struct Chapter {
    /// The Markdown source, relative to the book's `src` (`02-races.md`).
    pub source: String,
    /// The page's path on the site (`02-races.html`).
    pub html: String,
}

/// The pages `SUMMARY.md` links, in its order.
pub fn chapters(book_src: &Path) -> Vec<Chapter> {
    let summary = read(&book_src.join("SUMMARY.md"));
    let mut found = Vec::new();
    for line in summary.lines() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            if let Some(stem) = target.strip_suffix(".md") {
                found.push(Chapter {
                    source: target.to_string(),
                    html: format!("{stem}.html"),
                });
            }
            rest = &after[end + 1..];
        }
    }
    found
}

/// A `{{#include}}` of code in a chapter, and a line of it to look for on the rendered page.
pub struct IncludedCode {
    /// `02-races.md:48`
    pub at: String,
    /// What the directive says, for messages.
    pub directive: String,
    /// The code block's language (`rust`), or empty.
    pub language: String,
    /// The first line of the included code that mdbook shows (trimmed), or why there is none.
    pub probe: Result<String, String>,
}

/// Every `{{#include}}` / `{{#rustdoc_include}}` in `chapter` that brings in code: written
/// inside a fenced block, or including a part of a file that is itself a fenced block (a
/// Markdown file of doc tests). Includes of prose or tables are not code and are left out.
pub fn included_code(book_src: &Path, chapter: &str) -> Vec<IncludedCode> {
    let page = book_src.join(chapter);
    let text = read(&page);
    let here = page.parent().unwrap_or(book_src);
    let mut found = Vec::new();
    let mut fence: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = fence_info(trimmed) {
            fence = match fence {
                Some(_) => None,
                None => Some(info),
            };
            continue;
        }
        for arg in directives(line) {
            let (file, selector) = match arg.split_once(':') {
                Some((file, selector)) => (file, Some(selector)),
                None => (arg.as_str(), None),
            };
            let source = std::fs::read_to_string(here.join(file));
            let included = source
                .as_ref()
                .map_err(|e| format!("cannot read {file}: {e}"))
                .and_then(|s| select(s, selector));
            let (language, probe) = match (&fence, included) {
                (Some(info), included) => (language_of(info), included.and_then(|t| probe(&t))),
                (None, Ok(included)) => {
                    // Outside a fence: code only if what it includes opens one.
                    let mut lines = included.lines().skip_while(|l| l.trim().is_empty());
                    let Some(info) = lines.next().and_then(|l| fence_info(l.trim_start())) else {
                        continue;
                    };
                    let inside: Vec<&str> = lines
                        .take_while(|l| fence_info(l.trim_start()).is_none())
                        .collect();
                    (language_of(&info), probe(&inside.join("\n")))
                }
                (None, Err(e)) => (String::new(), Err(e)),
            };
            found.push(IncludedCode {
                at: format!("{chapter}:{}", n + 1),
                directive: format!("{{{{#include {arg}}}}}"),
                language,
                probe,
            });
        }
    }
    found
}

/// The info string of a fence line (```` ```rust,ignore ```` → `rust,ignore`), if it is one.
fn fence_info(trimmed_line: &str) -> Option<String> {
    ["```", "~~~"]
        .iter()
        .find_map(|f| trimmed_line.strip_prefix(f))
        .map(|info| info.trim().to_string())
}

fn language_of(info: &str) -> String {
    info.split([',', ' ']).next().unwrap_or("").to_string()
}

/// The arguments of the include directives on a line.
fn directives(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = after[..end].trim();
        for keyword in ["include ", "rustdoc_include "] {
            if let Some(arg) = directive.strip_prefix(keyword) {
                found.push(arg.trim().to_string());
            }
        }
        rest = &after[end + 2..];
    }
    found
}

/// The part of `source` an include selects, as mdbook does: an anchor's lines (without the
/// `ANCHOR` lines), a line range (`3`, `3:`, `:9`, `3:9`, 1-based), or the whole file.
fn select(source: &str, selector: Option<&str>) -> Result<String, String> {
    let lines: Vec<&str> = source.lines().collect();
    let Some(selector) = selector.filter(|s| !s.is_empty()) else {
        return Ok(source.to_string());
    };
    if selector.starts_with(|c: char| c.is_ascii_digit() || c == ':') {
        let number = |s: &str| s.parse::<usize>().ok();
        let (from, to) = match selector.split_once(':') {
            Some((a, b)) => (number(a).unwrap_or(1), number(b).unwrap_or(lines.len())),
            None => (number(selector).unwrap_or(1), number(selector).unwrap_or(1)),
        };
        let (from, to) = (from.max(1) - 1, to.min(lines.len()));
        return Ok(lines.get(from..to).unwrap_or_default().join("\n"));
    }
    let marks = |line: &str, mark: &str| {
        line.split_once(mark).is_some_and(|(_, name)| {
            name.trim_start()
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .next()
                == Some(selector)
        })
    };
    let start = lines
        .iter()
        .position(|l| marks(l, "ANCHOR:"))
        .ok_or_else(|| format!("no `ANCHOR: {selector}`"))?;
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| !marks(l, "ANCHOR_END:"))
        .filter(|l| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
        .copied()
        .collect();
    Ok(body.join("\n"))
}

/// The first line of `code` a reader sees: not blank, not a hidden `# ` line.
fn probe(code: &str) -> Result<String, String> {
    code.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && *l != "#" && !l.starts_with("# "))
        .map(str::to_string)
        .ok_or_else(|| "the included part is empty".to_string())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `book.toml`'s `src` folder (mdbook's default is `src`).
pub fn source_dir(root: &Path) -> PathBuf {
    let config: toml::Table = read(&root.join("book.toml"))
        .parse()
        .unwrap_or_else(|e| panic!("book.toml: {e}"));
    let src = config
        .get("book")
        .and_then(|book| book.get("src"))
        .and_then(|src| src.as_str())
        .unwrap_or("src");
    root.join(src)
}
