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
    /// The command prints plain text (a program's output, a timeline), which the figure shows
    /// as it is, in a ```` ```text ```` block.
    #[serde(default)]
    text: bool,
    /// What it shows, for `--list`.
    #[serde(default)]
    about: String,
}

/// A Markdown table of criterion's median times, from one run of a lab's bench with the lab's
/// reference solution in place (the benches measure the code the student writes).
#[derive(Debug, Clone, Deserialize)]
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
    /// For an `.svg` figure: what the numbers in the rows' labels are (the x axis). The figure
    /// is then a curve per column, median time against the row's number.
    #[serde(default)]
    x_label: Option<String>,
    /// For an `.svg` figure: keep the x axis linear even when the numbers span a factor of 16
    /// or more (a time proportional to x then shows as a straight line).
    #[serde(default)]
    linear_x: bool,
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
            (None, false) if self.text && self.file.extension().is_some_and(|e| e == "svg") => {
                bail!("figure {file}: `text` is for a `.md` figure, not an image")
            }
            (None, false) => Ok(()),
            (Some(_), true) if self.text => {
                bail!("figure {file}: `text` is for a `command`; a `bench` table is Markdown")
            }
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

/// A program's output as a Markdown block shown as it is (a fence longer than any run of
/// backticks in it).
fn text_block(output: &str) -> String {
    let longest = output.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}", output.trim_end())
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
                let body = if figure.file.extension().is_some_and(|e| e == "svg") {
                    render_curves(table, medians)?
                } else {
                    render_table(table, medians)?
                };
                (body, made)
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
                let body = if figure.text { text_block(&body) } else { body };
                (body, made)
            }
        };
        let text = if figure.file.extension().is_some_and(|e| e == "svg") {
            svg_with_description(&body, &made)?
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

/// The SVG with `made` as its `<desc>`, the first thing inside the `<svg>` element. (Not an XML
/// comment: the command's `--` may not appear in one, and a browser then shows no image.)
fn svg_with_description(svg: &str, made: &str) -> Result<String> {
    let open = svg
        .find("<svg")
        .context("the figure is not SVG: no <svg> element")?;
    let inside = open
        + svg[open..]
            .find('>')
            .context("the figure's <svg> element is not closed")?
        + 1;
    let escaped = made
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Ok(format!(
        "{}\n<desc>{escaped}</desc>{}",
        &svg[..inside],
        &svg[inside..]
    ))
}

/// The bench table as curves in SVG: one per column, the median time against the number in
/// each row's label (a logarithmic axis when the numbers span a factor of 16 or more, unless the
/// table asks for a linear one).
fn render_curves(
    table: &BenchTable,
    medians: &std::collections::BTreeMap<String, Measured>,
) -> Result<String> {
    use plotters::prelude::*;
    let xs: Vec<f64> = table
        .rows
        .iter()
        .map(|row| {
            row[0]
                .replace([' ', ','], "")
                .parse::<f64>()
                .with_context(|| {
                    format!(
                        "an SVG bench figure needs a number as each row's label, not {:?}",
                        row[0]
                    )
                })
        })
        .collect::<Result<_>>()?;
    let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (column, name) in table.header.iter().enumerate().skip(1) {
        let mut points = Vec::new();
        for (row, &x) in table.rows.iter().zip(&xs) {
            let id = &row[column];
            if id.is_empty() {
                continue;
            }
            let Some(ns) = medians.get(id) else {
                bail!(
                    "the bench measured no `{id}` (it measured: {})",
                    medians.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            };
            points.push((x, ns.median_ns));
        }
        series.push((name.replace('`', ""), points));
    }
    let top_ns = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let (scale, unit) = if top_ns >= 1e9 {
        (1e9, "s")
    } else if top_ns >= 1e6 {
        (1e6, "ms")
    } else if top_ns >= 1e3 {
        (1e3, "µs")
    } else {
        (1.0, "ns")
    };
    let (low, high) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    if !(low > 0.0 && high > low) {
        bail!("an SVG bench figure needs at least two rows with different, positive numbers");
    }
    let top = top_ns / scale * 1.1;
    let log_x = high / low >= 16.0 && !table.linear_x;
    // The legend goes in the upper corner the curves leave empty: the side of the chart whose
    // highest point is lower.
    let across = |x: f64| {
        if log_x {
            (x / low).ln() / (high / low).ln()
        } else {
            (x - low) / (high - low)
        }
    };
    let highest = |right: bool| {
        series
            .iter()
            .flat_map(|(_, points)| points.iter())
            .filter(|&&(x, _)| (across(x) > 0.5) == right)
            .map(|p| p.1)
            .fold(0.0, f64::max)
    };
    let legend_position = if highest(true) > highest(false) {
        SeriesLabelPosition::UpperLeft
    } else {
        SeriesLabelPosition::UpperRight
    };
    let caption = table.header[0].replace('`', "");
    let x_label = table.x_label.clone().unwrap_or_default();
    let y_label = format!("median time ({unit})");
    let colors = [BLUE, RED, GREEN, MAGENTA, CYAN, BLACK];
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 420)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot draw the figure: {e}");
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut builder = ChartBuilder::on(&root);
        builder
            .caption(&caption, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60);
        // One drawing routine for both kinds of x axis.
        macro_rules! draw {
            ($chart:expr) => {{
                let mut chart = $chart.map_err(|e| fail(&e))?;
                chart
                    .configure_mesh()
                    .x_desc(x_label.as_str())
                    .y_desc(y_label.as_str())
                    .x_label_formatter(&|x| format!("{x}"))
                    .draw()
                    .map_err(|e| fail(&e))?;
                for (i, (name, points)) in series.iter().enumerate() {
                    let color = colors[i % colors.len()];
                    let points: Vec<(f64, f64)> =
                        points.iter().map(|&(x, ns)| (x, ns / scale)).collect();
                    chart
                        .draw_series(LineSeries::new(
                            points.iter().copied(),
                            color.stroke_width(2),
                        ))
                        .map_err(|e| fail(&e))?
                        .label(name.as_str())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                        });
                    chart
                        .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(|e| fail(&e))?;
                }
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .position(legend_position)
                    .draw()
                    .map_err(|e| fail(&e))?;
            }};
        }
        if log_x {
            draw!(builder.build_cartesian_2d((low..high).log_scale(), 0.0..top));
        } else {
            draw!(builder.build_cartesian_2d(low..high, 0.0..top));
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
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
            x_label: None,
            linear_x: false,
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
    fn an_svg_says_how_it_was_made_in_its_description() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"1\">\n<rect/>\n</svg>\n";
        let made =
            "Measured with `cargo bench -- --warm-up-time 1` & more; made by `cargo lab figures`.";
        let out = svg_with_description(svg, made).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\"?>\n<svg width=\"1\">\n<desc>Measured with `cargo bench -- --warm-up-time 1` &amp; more; made by `cargo lab figures`.</desc>\n<rect/>\n</svg>\n"
        );
        assert!(out.contains(MARK));
        assert!(!out.contains("<!--"), "no comment, where -- is not allowed");
        assert!(svg_with_description("<p>", made).is_err());
    }

    #[test]
    fn draws_a_curve_per_column_against_the_numbers_of_the_rows() {
        let measured = |ns| Measured {
            median_ns: ns,
            elements: None,
        };
        let medians = [
            ("w/1".to_string(), measured(4e6)),
            ("w/64".to_string(), measured(1e6)),
            ("c/1".to_string(), measured(2e6)),
        ]
        .into_iter()
        .collect();
        let table = BenchTable {
            lab: "04-pools".into(),
            bench: "pools".into(),
            args: vec![],
            header: vec!["jobs".into(), "`waits`".into(), "computations".into()],
            rows: vec![
                vec!["1".into(), "w/1".into(), "c/1".into()],
                vec!["64".into(), "w/64".into(), "".into()],
            ],
            rates: false,
            each: false,
            speedup_over: None,
            x_label: Some("workers".into()),
            linear_x: false,
        };
        let svg = render_curves(&table, &medians).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        for text in [
            "jobs",
            "waits",
            "computations",
            "workers",
            "median time (ms)",
        ] {
            assert!(svg.contains(text), "the figure shows {text:?}: {svg}");
        }
        // 1 to 64 spans more than 16×: a logarithmic axis, unless the table asks for a linear one.
        let ticks = |svg: &str| -> Vec<String> {
            svg.split("<text")
                .filter_map(|t| t.split('>').nth(1)?.split('<').next())
                .map(str::trim)
                .filter(|t| t.parse::<f64>().is_ok())
                .map(str::to_string)
                .collect()
        };
        let linear = BenchTable {
            linear_x: true,
            ..table.clone()
        };
        let linear_svg = render_curves(&linear, &medians).unwrap();
        // A logarithmic axis has ticks at 2, 3, … between 1 and 10; a linear one from 1 to 64
        // steps by ten.
        assert!(ticks(&svg).contains(&"3".to_string()), "{:?}", ticks(&svg));
        assert!(
            !ticks(&linear_svg).contains(&"3".to_string()),
            "{:?}",
            ticks(&linear_svg)
        );
        assert!(
            ticks(&linear_svg).contains(&"30".to_string()),
            "{:?}",
            ticks(&linear_svg)
        );
        // The legend goes where the curves are not: upper right for falling curves, upper left
        // for rising ones.
        let legend_x = |svg: &str| -> f64 {
            let text = svg
                .split("<text")
                .find(|t| {
                    t.split_once('>')
                        .map(|(_, rest)| rest.trim().starts_with("waits"))
                        == Some(true)
                })
                .expect("the legend names the column");
            let x = text
                .split("x=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            x.parse().unwrap()
        };
        assert!(legend_x(&svg) > 360.0, "{svg}");
        let rising: std::collections::BTreeMap<String, Measured> = [
            ("w/1".to_string(), measured(1e6)),
            ("w/64".to_string(), measured(4e6)),
            ("c/1".to_string(), measured(2e6)),
        ]
        .into_iter()
        .collect();
        let rising_svg = render_curves(&table, &rising).unwrap();
        assert!(legend_x(&rising_svg) < 360.0, "{rising_svg}");
        let words = BenchTable {
            rows: vec![vec!["one".into(), "w/1".into(), "c/1".into()]],
            ..table
        };
        let error = render_curves(&words, &medians).unwrap_err().to_string();
        assert!(error.contains("a number as each row's label"), "{error}");
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
        // A program's plain output is shown as text; only a command's, and only in a page.
        assert!(parse("[[figure]]\nfile = \"a.md\"\ntext = true\ncommand = [\"true\"]").is_ok());
        assert!(parse("[[figure]]\nfile = \"a.svg\"\ntext = true\ncommand = [\"true\"]").is_err());
        assert!(
            parse(&format!(
                "[[figure]]\nfile = \"a.md\"\ntext = true\n{bench}rows = [[\"x\", \"g/f\"]]"
            ))
            .is_err()
        );
    }

    #[test]
    fn plain_output_is_shown_as_it_is_in_a_text_block() {
        assert_eq!(
            text_block("  0 ms  start\n  5 ms  done\n\n"),
            "```text\n  0 ms  start\n  5 ms  done\n```"
        );
        // A fence longer than any backticks in the output, so none of it ends the block.
        assert_eq!(text_block("a ```` b"), "`````text\na ```` b\n`````");
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
