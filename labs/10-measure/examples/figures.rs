//! Draws the chapter's figures as SVG files, from sample sets measured on the lab's machine
//! (`tests/fixtures/`), with your code from Exercises 10.1 and 10.4:
//!
//! - `samples.svg`: a noisy sample set, sample by sample, with its median, its mean and
//!   Tukey's fences (your `summarise` and `tukey_fences`);
//! - `speedup.svg`: two measured speedup curves and the Amdahl curves fitted to them (your
//!   `fit_parallel_fraction` and `amdahl_speedup`).
//!
//! ```console
//! $ cargo run -p lab-measure --example figures -- book/figures/10-measure
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};

use lab_measure::criterion_files::SavedSample;
use lab_measure::laws::{amdahl_speedup, fit_parallel_fraction};
use lab_measure::summary::{summarise, tukey_fences};
use plotters::prelude::*;

/// The noisy sample set of `tests/fixtures/README.md`.
const NOISY_SAMPLE: &str = include_str!("../tests/fixtures/threads_1000/sample.json");

/// Speedup curves measured on the lab's machine: `curve,threads,median ns` lines.
const SPEEDUP: &str = include_str!("../tests/fixtures/speedup.csv");

/// The lab's machine had 2 cores: only points up to 2 threads are fitted.
const CORES: usize = 2;

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    std::fs::create_dir_all(&out)?;
    samples_figure(&out.join("samples.svg"))?;
    speedup_figure(&out.join("speedup.svg"))?;
    println!("wrote {0}/samples.svg and {0}/speedup.svg", out.display());
    Ok(())
}

fn samples_figure(path: &Path) -> Result<(), Box<dyn Error>> {
    let samples: Vec<f64> = SavedSample::from_json(NOISY_SAMPLE)?
        .per_iteration()
        .iter()
        .map(|ns| ns / 1e3)
        .collect();
    let summary = summarise(&samples);
    let fences = tukey_fences(&samples);
    let top = summary.max * 1.05;

    let root = SVGBackend::new(path, (720, 400)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "100 samples of one benchmark on a busy 2-core machine",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..samples.len() as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("sample, in the order measured")
        .y_desc("time per iteration (µs)")
        .disable_x_mesh()
        .draw()?;
    chart.draw_series(samples.iter().enumerate().map(|(i, &t)| {
        let outlier = t > fences.high_mild || t < fences.low_mild;
        let color = if outlier { RED } else { BLACK };
        Circle::new((i as f64 + 0.5, t), 3, color.filled())
    }))?;
    let n = samples.len() as f64;
    for (value, color, label) in [
        (
            summary.median,
            BLUE,
            format!("median {:.1} µs", summary.median),
        ),
        (summary.mean, GREEN, format!("mean {:.1} µs", summary.mean)),
        (
            fences.high_mild,
            RED,
            format!("Tukey's high mild fence {:.1} µs", fences.high_mild),
        ),
    ] {
        chart
            .draw_series(LineSeries::new(
                [(0.0, value), (n, value)],
                color.stroke_width(2),
            ))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn speedup_figure(path: &Path) -> Result<(), Box<dyn Error>> {
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Speedup on a 2-core machine, and Amdahl's law fitted to it",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(1f64..8.4f64, 0f64..7f64)?;
    chart
        .configure_mesh()
        .x_desc("threads")
        .y_desc("speedup over 1 thread")
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            [(1.0, 1.0), (4.2, 4.2)],
            BLACK.mix(0.4).stroke_width(1),
        ))?
        .label("perfect: n times faster on n threads")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.4)));
    for ((name, medians), color) in curves().into_iter().zip([BLUE, RED, GREEN]) {
        let points: Vec<(usize, f64)> = medians
            .iter()
            .map(|&(n, t)| (n, medians[0].1 / t))
            .collect();
        let fitted: Vec<(usize, f64)> = points
            .iter()
            .copied()
            .filter(|&(n, _)| n <= CORES)
            .collect();
        let p = fit_parallel_fraction(&fitted);
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&(n, s)| Circle::new((n as f64, s), 5, color.filled())),
            )?
            .label(format!("{name}: measured"))
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
        chart
            .draw_series(LineSeries::new(
                (0..=148).map(|i| {
                    let n = 1.0 + f64::from(i) * 0.05;
                    (n, amdahl_speedup(p, n))
                }),
                color.stroke_width(2),
            ))?
            .label(format!(
                "Amdahl's law with p = {p:.2}, fitted up to {CORES} threads"
            ))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// The curves of [`SPEEDUP`], in the order they first appear.
fn curves() -> Vec<(String, Vec<(usize, f64)>)> {
    let mut curves: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    for line in SPEEDUP
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split(',').collect();
        let (Some(name), Some(Ok(n)), Some(Ok(t))) = (
            fields.first(),
            fields.get(1).map(|f| f.parse::<usize>()),
            fields.get(2).map(|f| f.parse::<f64>()),
        ) else {
            panic!("speedup.csv: not `curve,threads,median`: {line}");
        };
        match curves.iter_mut().find(|(c, _)| c == name) {
            Some((_, points)) => points.push((n, t)),
            None => curves.push(((*name).to_owned(), vec![(n, t)])),
        }
    }
    curves
}
