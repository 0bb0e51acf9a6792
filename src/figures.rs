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

use crate::workbook::{Lab, Workbook};

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
    #[serde(default)]
    command: Vec<String>,
    /// Or: a table of criterion medians from one of a lab's benches, run on its solution.
    bench: Option<BenchTable>,
    /// Run `command` in a copy of the workspace with this lab's reference solution in place
    /// (and those of the labs it depends on), sharing the target directory: for an example
    /// that measures the code the student writes.
    solution: Option<String>,
    /// What it shows, for `--list`.
    #[serde(default)]
    about: String,
}

/// A Markdown table of criterion's median times, from one run of a lab's bench with the lab's
/// reference solution in place (the benches measure the code the student writes).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BenchTable {
    /// The lab (`01-threads`).
    lab: String,
    /// The bench target, `benches/NAME.rs`.
    bench: String,
    /// What follows `--` on criterion's command line: its options and filters.
    #[serde(default)]
    args: Vec<String>,
    /// The header row: the corner cell, then one cell per column.
    header: Vec<String>,
    /// Each row: its label, then the full criterion id of the benchmark in each column
    /// (`group/function/parameter`), or "" for an empty cell.
    rows: Vec<Vec<String>>,
    /// After each time, the rate in elements per second (benchmarks that set a throughput).
    #[serde(default)]
    rates: bool,
    /// After each time, the time per element (benchmarks that set a throughput).
    #[serde(default)]
    each: bool,
    /// After each time, how many times faster it is than this benchmark (its full id).
    #[serde(default)]
    speedup_over: Option<String>,
}

/// One benchmark's result: criterion's median time (ns) and the elements one iteration handles.
#[derive(Debug, Clone, Copy)]
struct Measured {
    median_ns: f64,
    elements: Option<f64>,
}

impl BenchTable {
    /// Tables with the same key come from one run of the bench.
    fn run_key(&self) -> (String, String, Vec<String>) {
        (self.lab.clone(), self.bench.clone(), self.args.clone())
    }
}

impl Figure {
    /// The command the figure's line names (for a bench table, the `cargo bench` it runs).
    fn shown_command(&self, workbook: &Workbook) -> Vec<String> {
        match &self.bench {
            None => self.command.clone(),
            Some(table) => {
                let package = workbook
                    .select(std::slice::from_ref(&table.lab))
                    .map(|labs| labs[0].package.clone())
                    .unwrap_or_else(|_| table.lab.clone());
                let mut command: Vec<String> =
                    ["cargo", "bench", "-p", &package, "--bench", &table.bench]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                if !table.args.is_empty() {
                    command.push("--".into());
                    command.extend(table.args.iter().map(|a| shell_word(a)));
                }
                command
            }
        }
    }

    fn check(&self) -> Result<()> {
        let file = self.file.display();
        match (&self.bench, self.command.is_empty()) {
            (None, true) => bail!("figure {file}: give a `command` or a `bench` table"),
            (Some(_), false) => {
                bail!("figure {file}: give a `command` or a `bench` table, not both")
            }
            (None, false) => Ok(()),
            (Some(_), true) if self.solution.is_some() => {
                bail!("figure {file}: `solution` is for a `command`; a `bench` table names its lab")
            }
            (Some(table), true) => {
                if table.header.len() < 2 {
                    bail!(
                        "figure {file}: the bench table's header needs a corner cell and at least one column"
                    );
                }
                for row in &table.rows {
                    if row.len() != table.header.len() {
                        bail!(
                            "figure {file}: row {:?} has {} cells, the header {}",
                            row.first().map(String::as_str).unwrap_or(""),
                            row.len(),
                            table.header.len()
                        );
                    }
                }
                Ok(())
            }
        }
    }
}

/// A word as a reader would type it into a shell.
fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
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
    for figure in &manifest.figures {
        figure.check()?;
    }
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
                f.shown_command(workbook).join(" ")
            );
        }
        return Ok(());
    }
    let start = Instant::now();
    // Several tables may come from one run of the same bench.
    let mut runs: std::collections::BTreeMap<(String, String, Vec<String>), _> =
        std::collections::BTreeMap::new();
    for (i, figure) in chosen.iter().enumerate() {
        let reused = figure
            .bench
            .as_ref()
            .is_some_and(|t| runs.contains_key(&t.run_key()));
        if !options.no_wait && !reused {
            wait_until_idle()?;
        }
        // The 1-minute load average lags: after a busy spell it stays high for a minute while the
        // cores are already idle, so the line also says whether the run waited for idle cores.
        let load = if options.no_wait {
            format!(
                "load average {} (1 min), not waiting for idle cores",
                load_average()
            )
        } else {
            format!(
                "cores at least 90 % idle for 3 s before the run (load average {} over the last minute)",
                load_average()
            )
        };
        let command = figure.shown_command(workbook);
        eprintln!(
            "[{}/{}] {} ({})",
            i + 1,
            chosen.len(),
            figure.file.display(),
            command.join(" ")
        );
        let (body, made) = match &figure.bench {
            Some(table) => {
                let key = table.run_key();
                if !runs.contains_key(&key) {
                    // The load before the run it measures, not before a table it shares.
                    runs.insert(key.clone(), (bench_medians(workbook, table)?, load));
                }
                let (medians, load) = &runs[&key];
                let made = made_line(&command, load).replacen(
                    "` on ",
                    &format!(
                        "` with lab {}'s reference solution in place, on ",
                        table.lab
                    ),
                    1,
                );
                (render_table(table, medians)?, made)
            }
            None => {
                let (program, args) = figure
                    .command
                    .split_first()
                    .with_context(|| format!("{}: empty command", figure.file.display()))?;
                let mut run = Command::new(program);
                run.args(args).current_dir(&workbook.root);
                let mut made = made_line(&command, &load);
                if let Some(lab) = &figure.solution {
                    let (shadow, target_dir) = solution_copy(workbook, lab)?;
                    run.current_dir(&shadow.root)
                        .env("CARGO_TARGET_DIR", target_dir);
                    made = made.replacen(
                        "` on ",
                        &format!("` with lab {lab}'s reference solution in place, on "),
                        1,
                    );
                }
                let out = run
                    .output()
                    .with_context(|| format!("cannot run {}", command.join(" ")))?;
                if !out.status.success() {
                    bail!(
                        "{} failed:\n{}",
                        command.join(" "),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                let body = String::from_utf8(out.stdout).context("the figure is not UTF-8")?;
                (body, made)
            }
        };
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

/// Runs the table's bench with the lab's solution in place (in a copy of the workspace that
/// shares its target directory) and returns criterion's median, in nanoseconds, of every
/// benchmark the run measured, by full id.
fn bench_medians(
    workbook: &Workbook,
    table: &BenchTable,
) -> Result<std::collections::BTreeMap<String, Measured>> {
    let lab = workbook.select(std::slice::from_ref(&table.lab))?[0];
    let (shadow, target_dir) = solution_copy(workbook, &table.lab)?;
    let started = std::time::SystemTime::now();
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["bench", "-p", &lab.package, "--bench", &table.bench, "--"])
        .args(&table.args)
        .current_dir(&shadow.root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run cargo bench")?;
    if !status.success() {
        bail!(
            "cargo bench -p {} --bench {} failed",
            lab.package,
            table.bench
        );
    }
    let mut medians = std::collections::BTreeMap::new();
    collect_medians(&target_dir.join("criterion"), started, &mut medians)?;
    Ok(medians)
}

/// A copy of the workspace with `lab`'s reference solution in place, and the target directory
/// it shares with the workspace. Code of the labs it depends on may run too (lab 05's bench
/// runs lab 04's pool): their solutions go in place as well.
fn solution_copy(workbook: &Workbook, lab: &str) -> Result<(crate::shadow::Shadow, PathBuf)> {
    let lab = workbook.select(&[lab.to_string()])?[0];
    let cargo = crate::cargo::Cargo::for_workspace(&workbook.root)?;
    let shadow = crate::shadow::Shadow::create(
        workbook,
        &cargo.target_dir,
        &format!("figures-{}", lab.folder),
    )?;
    for lab in std::iter::once(lab).chain(labs_depended_on(workbook, lab)?) {
        let sols = crate::variants::Solutions::load(workbook, lab)?;
        shadow.put(lab, &sols.materialize(lab, &sols.solution())?)?;
    }
    Ok((shadow, cargo.target_dir))
}

/// The other labs whose packages `lab`'s manifest names as dependencies (of any kind).
fn labs_depended_on<'w>(workbook: &'w Workbook, lab: &Lab) -> Result<Vec<&'w Lab>> {
    let path = lab.dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let named = |table: &str| -> Vec<String> {
        manifest
            .get(table)
            .and_then(|t| t.as_table())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    };
    let names: Vec<String> = ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .flat_map(|t| named(t))
        .collect();
    Ok(workbook
        .labs
        .iter()
        .filter(|other| other.package != lab.package && names.contains(&other.package))
        .collect())
}

/// Walks criterion's output folder for `new/benchmark.json` files written since `since`, and
/// reads each benchmark's median from the `estimates.json` next to it.
fn collect_medians(
    dir: &Path,
    since: std::time::SystemTime,
    into: &mut std::collections::BTreeMap<String, Measured>,
) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        let id_file = path.join("new").join("benchmark.json");
        let fresh = std::fs::metadata(&id_file)
            .and_then(|m| m.modified())
            .is_ok_and(|at| at >= since);
        if fresh {
            let id: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&id_file)?)
                    .with_context(|| format!("{}: not criterion's JSON", id_file.display()))?;
            let estimates_file = path.join("new").join("estimates.json");
            let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
                &estimates_file,
            )?)
            .with_context(|| format!("{}: not criterion's JSON", estimates_file.display()))?;
            if let (Some(full_id), Some(median)) = (
                id["full_id"].as_str(),
                estimates["median"]["point_estimate"].as_f64(),
            ) {
                let elements = id["throughput"]["Elements"].as_f64();
                into.insert(
                    full_id.to_string(),
                    Measured {
                        median_ns: median,
                        elements,
                    },
                );
            }
        }
        collect_medians(&path, since, into)?;
    }
    Ok(())
}

/// The bench table in Markdown: the label column left, the times right-aligned.
fn render_table(
    table: &BenchTable,
    medians: &std::collections::BTreeMap<String, Measured>,
) -> Result<String> {
    let mut out = format!("| {} |\n|", table.header.join(" | "));
    out.push_str(" --- |");
    for _ in 1..table.header.len() {
        out.push_str(" ---: |");
    }
    out.push('\n');
    for row in &table.rows {
        let mut cells = vec![row[0].clone()];
        for id in &row[1..] {
            if id.is_empty() {
                cells.push(String::new());
                continue;
            }
            let Some(ns) = medians.get(id) else {
                bail!(
                    "the bench measured no `{id}` (it measured: {})",
                    medians.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            };
            let mut cell = format_duration(ns.median_ns);
            if table.rates || table.each {
                let Some(elements) = ns.elements else {
                    bail!("`{id}` sets no throughput in elements, so it has no rate to show");
                };
                if table.rates {
                    let rate = format_rate(elements * 1e9 / ns.median_ns);
                    cell.push_str(&format!(" ({rate}/s)"));
                }
                if table.each {
                    let each = format_duration(ns.median_ns / elements);
                    cell.push_str(&format!(" ({each} each)"));
                }
            }
            if let Some(base) = &table.speedup_over {
                let Some(base) = medians.get(base) else {
                    bail!("the bench measured no `{base}`, the table's speedup_over");
                };
                cell.push_str(&format!(" ({:.2}×)", base.median_ns / ns.median_ns));
            }
            cells.push(cell);
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    Ok(out)
}

/// A time in nanoseconds with three significant digits and the unit that fits: `0.107 µs` is
/// written `107 ns`, `14.2 µs`, `2.19 ms`, `1.54 s`.
fn format_duration(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// A rate with two significant digits and an SI prefix: `35 M`, `1.9 M`, `640 k`.
fn format_rate(per_second: f64) -> String {
    let (value, prefix) = if per_second >= 1e9 {
        (per_second / 1e9, " G")
    } else if per_second >= 1e6 {
        (per_second / 1e6, " M")
    } else if per_second >= 1e3 {
        (per_second / 1e3, " k")
    } else {
        (per_second, " ")
    };
    let text = if value >= 10.0 {
        format!("{:.0}", value)
    } else {
        format!("{value:.1}")
    };
    format!("{text}{}", prefix.trim_end())
}

/// `Measured with `cmd` on <cpu> (<n> cores), <how idle>, <rustc>, <date>; made by …`.
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
        "Measured with `{}` on {cpu} ({cores} cores), {load}, {rustc}, {date}; {MARK}.",
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
        let before = crate::cpustat::read().context("cannot read /proc/stat")?;
        std::thread::sleep(Duration::from_secs(1));
        let after = crate::cpustat::read().context("cannot read /proc/stat")?;
        let idle = before.idle_share_until(&after);
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
    let manifest = book.join(MANIFEST);
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)?;
        match toml::from_str::<Manifest>(&text) {
            Err(e) => problems.push(format!("book/{MANIFEST}: malformed: {e}")),
            Ok(m) => problems.extend(
                m.figures
                    .iter()
                    .filter_map(|f| f.check().err())
                    .map(|e| format!("book/{MANIFEST}: {e}")),
            ),
        }
    }
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
    fn durations_have_three_significant_digits() {
        assert_eq!(format_duration(107.4), "107 ns");
        assert_eq!(format_duration(14_200.0), "14.2 µs");
        assert_eq!(format_duration(2_190_000.0), "2.19 ms");
        assert_eq!(format_duration(1_540_000_000.0), "1.54 s");
        assert_eq!(format_duration(5.0), "5.00 ns");
    }

    #[test]
    fn renders_a_bench_table_and_names_a_missing_benchmark() {
        let table = BenchTable {
            lab: "01-threads".into(),
            bench: "threads".into(),
            args: vec![],
            header: vec!["work".into(), "one".into(), "two".into()],
            rows: vec![vec!["`sum`".into(), "sum/one".into(), "".into()]],
            rates: false,
            each: false,
            speedup_over: None,
        };
        let medians = [(
            "sum/one".to_string(),
            Measured {
                median_ns: 1500.0,
                elements: Some(3000.0),
            },
        )]
        .into_iter()
        .collect();
        assert_eq!(
            render_table(&table, &medians).unwrap(),
            "| work | one | two |\n| --- | ---: | ---: |\n| `sum` | 1.50 µs |  |\n"
        );
        let with_rates = BenchTable {
            rates: true,
            ..table
        };
        assert_eq!(
            render_table(&with_rates, &medians).unwrap(),
            "| work | one | two |\n| --- | ---: | ---: |\n| `sum` | 1.50 µs (2.0 G/s) |  |\n"
        );
        let each = BenchTable {
            rates: false,
            each: true,
            ..with_rates
        };
        assert_eq!(
            render_table(&each, &medians).unwrap(),
            "| work | one | two |\n| --- | ---: | ---: |\n| `sum` | 1.50 µs (0.50 ns each) |  |\n"
        );
        let faster = BenchTable {
            each: false,
            speedup_over: Some("sum/one".into()),
            ..each
        };
        assert_eq!(
            render_table(&faster, &medians).unwrap(),
            "| work | one | two |\n| --- | ---: | ---: |\n| `sum` | 1.50 µs (1.00×) |  |\n"
        );
        let table = faster;
        let empty = Default::default();
        let err = render_table(&table, &empty).unwrap_err().to_string();
        assert!(err.contains("no `sum/one`"), "{err}");
    }

    #[test]
    fn a_figure_is_a_command_or_a_bench_table() {
        let parse = |text: &str| -> Result<()> {
            let m: Manifest = toml::from_str(text)?;
            m.figures.iter().try_for_each(Figure::check)
        };
        assert!(parse("[[figure]]\nfile = \"a.md\"\ncommand = [\"true\"]").is_ok());
        assert!(parse("[[figure]]\nfile = \"a.md\"").is_err());
        let bench =
            "[figure.bench]\nlab = \"01-threads\"\nbench = \"threads\"\nheader = [\"a\", \"b\"]\n";
        assert!(
            parse(&format!(
                "[[figure]]\nfile = \"a.md\"\n{bench}rows = [[\"x\", \"g/f\"]]"
            ))
            .is_ok()
        );
        assert!(
            parse(&format!(
                "[[figure]]\nfile = \"a.md\"\n{bench}rows = [[\"x\"]]"
            ))
            .is_err()
        );
        // A command may run with a lab's solution in place; a bench table names its own lab.
        assert!(
            parse("[[figure]]\nfile = \"a.md\"\nsolution = \"05-rayon\"\ncommand = [\"true\"]")
                .is_ok()
        );
        assert!(
            parse(&format!(
                "[[figure]]\nfile = \"a.md\"\nsolution = \"05-rayon\"\n{bench}rows = [[\"x\", \"g/f\"]]"
            ))
            .is_err()
        );
    }

    #[test]
    fn the_labs_a_lab_depends_on_get_their_solutions_too() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let workbook = Workbook::open(root).expect("the workbook opens");
        let rayon = workbook.select(&["05-rayon".to_string()]).expect("lab 05")[0];
        let deps: Vec<&str> = labs_depended_on(&workbook, rayon)
            .expect("lab 05's manifest reads")
            .iter()
            .map(|lab| lab.folder.as_str())
            .collect();
        assert_eq!(deps, ["04-pools"], "lab 05's bench runs lab 04's pool");
    }

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
