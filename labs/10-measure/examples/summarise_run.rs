//! Your statistics (Exercises 10.1 and 10.2) on benchmarks you ran yourself.
//!
//! For every benchmark criterion has saved under `target/criterion`, prints your summary of its
//! latest samples next to criterion's own estimates. Given two baseline names, it also compares
//! them with your `compare`:
//!
//! ```console
//! $ cargo bench -p lab-measure -- --save-baseline before kernel/rayon
//! $ cargo bench -p lab-measure -- --save-baseline after kernel/rayon     # after a change, or not
//! $ cargo run -p lab-measure --example summarise_run -- before after
//! ```
//!
//! It looks in `$CARGO_TARGET_DIR/criterion`, or `target/criterion` under the current folder.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lab_measure::compare::{Settings, compare};
use lab_measure::criterion_files::{SavedEstimates, SavedSample};
use lab_measure::rng::Rng;
use lab_measure::summary::{summarise, tukey_fences};

fn main() {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("criterion");
    let baselines: Vec<String> = std::env::args().skip(1).collect();
    let mut benchmarks = Vec::new();
    find_benchmarks(&root, &mut benchmarks);
    benchmarks.sort();
    if benchmarks.is_empty() {
        println!(
            "No saved benchmarks under {}: run `cargo bench -p lab-measure` first.",
            root.display()
        );
        return;
    }
    panic::set_hook(Box::new(|_| {}));
    for dir in benchmarks {
        let name = dir
            .strip_prefix(&root)
            .unwrap_or(&dir)
            .display()
            .to_string();
        let Some(sample) = read(&dir.join("new/sample.json"), SavedSample::from_json) else {
            continue;
        };
        let samples = sample.per_iteration();
        println!("{name} ({} samples, ns per iteration)", samples.len());
        if let Some(e) = read(&dir.join("new/estimates.json"), SavedEstimates::from_json) {
            println!(
                "  criterion: mean {:.1}  median {:.1}  MAD {:.1}",
                e.mean.point_estimate, e.median.point_estimate, e.median_abs_dev.point_estimate
            );
        }
        match panic::catch_unwind(AssertUnwindSafe(|| {
            (
                summarise(&samples),
                tukey_fences(&samples).count_outliers(&samples),
            )
        })) {
            Ok((s, outliers)) => println!(
                "  yours:     mean {:.1}  median {:.1}  MAD {:.1}  min {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}; {} outliers",
                s.mean,
                s.median,
                s.mad,
                s.min,
                s.p95,
                s.p99,
                s.max,
                outliers.total()
            ),
            Err(_) => println!("  yours:     not written yet (Exercise 10.1)"),
        }
        if let [a, b] = baselines.as_slice() {
            compare_baselines(&dir, a, b);
        }
    }
}

fn compare_baselines(dir: &Path, a: &str, b: &str) {
    let load = |baseline: &str| {
        read(
            &dir.join(baseline).join("sample.json"),
            SavedSample::from_json,
        )
        .map(|s| s.per_iteration())
    };
    let (Some(a_samples), Some(b_samples)) = (load(a), load(b)) else {
        println!("  {a} against {b}: one of the two baselines is missing here");
        return;
    };
    match panic::catch_unwind(|| {
        compare(
            &a_samples,
            &b_samples,
            Settings::default(),
            &mut Rng::seeded(1),
        )
    }) {
        Ok(c) => println!(
            "  {b} against {a}: {:.3}× the time, 95% interval [{:.3}, {:.3}]: {:?}",
            c.ratio, c.low, c.high, c.verdict
        ),
        Err(_) => println!("  {b} against {a}: compare is not written yet (Exercise 10.2)"),
    }
}

/// Every folder under `dir` that holds a `new/sample.json`.
fn find_benchmarks(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    if dir.join("new/sample.json").is_file() {
        found.push(dir.to_path_buf());
    }
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "report") {
            find_benchmarks(&path, found);
        }
    }
}

fn read<T, E>(path: &Path, parse: impl Fn(&str) -> Result<T, E>) -> Option<T> {
    parse(&std::fs::read_to_string(path).ok()?).ok()
}
