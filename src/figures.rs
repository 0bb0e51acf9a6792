//! `cargo lab figures`: every measured table and curve of the book, re-measured by one command.
//!
//! `book/figures/figures.toml` lists each figure: the file it writes under `book/figures/` and
//! the command that prints it (an example or a bench of a lab, in Markdown or SVG). The command
//! waits until the machine is idle, runs each in turn, and writes each file with a line that says
//! how it was made: the command, the machine, the load, the toolchain and the date. Chapters
//! include the files (`{{#include figures/…}}`, `![…](figures/….svg)`); `cargo lab verify` checks
//! that every figure a chapter uses exists and says how it was made, so no number in the book is
//! typed in by hand.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::workbook::Workbook;

/// What every figure file carries, so that `verify` can tell it was made by this command.
pub const MARK: &str = "made by `cargo lab figures`";

pub const MANIFEST: &str = "figures/figures.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(rename = "figure", default)]
    figures: Vec<Figure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    /// The file, relative to `book/figures/`: `.md` (included) or `.svg` (an image).
    file: PathBuf,
    /// The command, run from the workbook's root; it prints the figure on standard output.
    command: Vec<String>,
    /// What it shows, for `--list`.
    #[serde(default)]
    about: String,
}

pub struct Options {
    pub names: Vec<String>,
    pub list: bool,
    /// Do not wait for an idle machine (the figures then say how loaded it was).
    pub no_wait: bool,
}

pub fn run(workbook: &Workbook, options: &Options) -> Result<()> {
    let book = workbook.book_dir();
    let path = book.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: Manifest =
        toml::from_str(&text).with_context(|| format!("{}: malformed", path.display()))?;
    let chosen: Vec<&Figure> = manifest
        .figures
        .iter()
        .filter(|f| {
            options.names.is_empty()
                || options
                    .names
                    .iter()
                    .any(|n| f.file.to_string_lossy().contains(n.as_str()))
        })
        .collect();
    if chosen.is_empty() {
        bail!(
            "no figure matches {:?}; `cargo lab figures --list` shows them",
            options.names
        );
    }
    if options.list {
        for f in &chosen {
            println!(
                "{}  {}\n    {}",
                f.file.display(),
                f.about,
                f.command.join(" ")
            );
        }
        return Ok(());
    }
    let start = Instant::now();
    for (i, figure) in chosen.iter().enumerate() {
        if !options.no_wait {
            wait_until_idle()?;
        }
        let load = load_average();
        eprintln!(
            "[{}/{}] {} ({})",
            i + 1,
            chosen.len(),
            figure.file.display(),
            figure.command.join(" ")
        );
        let (program, args) = figure
            .command
            .split_first()
            .with_context(|| format!("{}: empty command", figure.file.display()))?;
        let out = Command::new(program)
            .args(args)
            .current_dir(&workbook.root)
            .output()
            .with_context(|| format!("cannot run {}", figure.command.join(" ")))?;
        if !out.status.success() {
            bail!(
                "{} failed:\n{}",
                figure.command.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let made = made_line(&figure.command, &load);
        let body = String::from_utf8(out.stdout).context("the figure is not UTF-8")?;
        let text = if figure.file.extension().is_some_and(|e| e == "svg") {
            let at = body.find("<svg").unwrap_or(0);
            format!("{}<!-- {made} -->\n{}", &body[..at], &body[at..])
        } else {
            format!("<!-- {MARK} -->\n{}\n\n*{made}*\n", body.trim_end())
        };
        let to = book.join("figures").join(&figure.file);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&to, text).with_context(|| format!("cannot write {}", to.display()))?;
    }
    eprintln!(
        "{} figures in {:.0} s",
        chosen.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `Measured with `cmd` on <cpu>, <n> cores, load <l> (1 min), <rustc>, <date>; made by …`.
fn made_line(command: &[String], load: &str) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!(
        "Measured with `{}` on {cpu} ({cores} cores), load average {load} before the run, {rustc}, {date}; {MARK}.",
        command.join(" ")
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// Waits until the CPUs have been at least 90 % idle for 3 seconds in a row (at most 10 minutes;
/// then the figure is made anyway, and its line says how loaded the machine was).
fn wait_until_idle() -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut quiet = 0;
    let mut said = false;
    while quiet < 3 {
        let before = cpu_times()?;
        std::thread::sleep(Duration::from_secs(1));
        let after = cpu_times()?;
        let (busy, total) = (after.0 - before.0, after.1 - before.1);
        let idle = 1.0 - busy as f64 / total.max(1) as f64;
        if idle >= 0.9 {
            quiet += 1;
        } else {
            quiet = 0;
            if !said {
                eprintln!(
                    "waiting for the machine to be idle (the CPUs are {:.0}% busy)",
                    100.0 * (1.0 - idle)
                );
                said = true;
            }
        }
        if Instant::now() > deadline {
            eprintln!(
                "warning: the machine did not become idle within 10 minutes; measuring anyway"
            );
            return Ok(());
        }
    }
    Ok(())
}

/// (busy, total) jiffies of all CPUs, from `/proc/stat`.
fn cpu_times() -> Result<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").context("cannot read /proc/stat")?;
    let line = stat.lines().next().unwrap_or_default();
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().sum();
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    Ok((total - idle, total))
}

/// The figures a chapter's text uses: `{{#include figures/…}}` and `](figures/…)`, as paths
/// relative to `book/`.
pub fn used_by(text: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("figures/") {
        let before = &text[..i];
        let included = before.ends_with("{{#include ") || before.ends_with("](");
        if !included {
            continue;
        }
        let rest = &text[i..];
        let end = rest
            .find(|c: char| c == '}' || c == ')' || c == ':' || c.is_whitespace())
            .unwrap_or(rest.len());
        found.push(PathBuf::from(&rest[..end]));
    }
    found
}

/// Problems with the figures the book's chapters use: missing, or not made by this command.
pub fn check(book: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(book)? {
        let page = entry?.path();
        if page.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&page)?;
        for figure in used_by(&text) {
            let path = book.join(&figure);
            let name = page.file_name().unwrap_or_default().to_string_lossy();
            match std::fs::read_to_string(&path) {
                Err(_) => problems.push(format!(
                    "book/{name} uses {}, which does not exist: list it in book/{MANIFEST} and run `cargo lab figures`",
                    figure.display()
                )),
                Ok(made) if !made.contains(MARK) => problems.push(format!(
                    "book/{name} uses {}, which does not say how it was made: make it with `cargo lab figures`",
                    figure.display()
                )),
                Ok(_) => {}
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_included_figures() {
        let text = "x {{#include figures/a/b.md}} y ![curve](figures/c.svg) and figures/not.md";
        assert_eq!(
            used_by(text),
            vec![
                PathBuf::from("figures/a/b.md"),
                PathBuf::from("figures/c.svg")
            ]
        );
    }
}
