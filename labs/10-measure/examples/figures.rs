//! Draws one of the chapter's figures as SVG, from measurements saved in `tests/fixtures/`, and
//! prints it on standard output:
//!
//! - `samples`: a noisy sample set, sample by sample, with the median, the mean and Tukey's high
//!   mild fence that criterion computed for it;
//! - `speedup`: a measured speedup curve, and Amdahl's law with the parallel fraction that its
//!   point on 2 threads gives.
//!
//! ```console
//! $ cargo run -p lab-measure --example figures -- samples > samples.svg
//! $ cargo run -p lab-measure --example figures -- speedup > speedup.svg
//! ```

use std::error::Error;

use lab_measure::criterion_files::{SavedEstimates, SavedSample, fences_from_json};
use plotters::prelude::*;

/// The noisy sample set of `tests/fixtures/README.md`, with criterion's estimates and fences.
const NOISY_SAMPLE: &str = include_str!("../tests/fixtures/threads_1000/sample.json");
const NOISY_ESTIMATES: &str = include_str!("../tests/fixtures/threads_1000/estimates.json");
const NOISY_FENCES: &str = include_str!("../tests/fixtures/threads_1000/tukey.json");

/// Speedup curves measured on the lab's machine: `curve,threads,median ns` lines.
const SPEEDUP: &str = include_str!("../tests/fixtures/speedup.csv");

/// The lab's machine had 2 cores: the law is fitted to the point on 2 threads.
const CORES: usize = 2;

fn main() -> Result<(), Box<dyn Error>> {
    let mut svg = String::new();
    match std::env::args().nth(1).as_deref() {
        Some("samples") => samples_figure(&mut svg)?,
        Some("speedup") => speedup_figure(&mut svg)?,
        _ => return Err("usage: figures samples|speedup (the SVG goes to standard output)".into()),
    }
    print!("{svg}");
    Ok(())
}

fn samples_figure(svg: &mut String) -> Result<(), Box<dyn Error>> {
    let samples: Vec<f64> = SavedSample::from_json(NOISY_SAMPLE)?
        .per_iteration()
        .iter()
        .map(|ns| ns / 1e3)
        .collect();
    let estimates = SavedEstimates::from_json(NOISY_ESTIMATES)?;
    let median = estimates.median.point_estimate / 1e3;
    let mean = estimates.mean.point_estimate / 1e3;
    let [_, low_mild, high_mild, _] = fences_from_json(NOISY_FENCES)?.map(|ns| ns / 1e3);
    let top = samples.iter().copied().fold(0.0, f64::max) * 1.05;

    let root = SVGBackend::with_string(svg, (720, 400)).into_drawing_area();
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
        let outlier = t > high_mild || t < low_mild;
        let color = if outlier { RED } else { BLACK };
        Circle::new((i as f64 + 0.5, t), 3, color.filled())
    }))?;
    let n = samples.len() as f64;
    for (value, color, label) in [
        (median, BLUE, format!("median {median:.1} µs")),
        (mean, GREEN, format!("mean {mean:.1} µs")),
        (
            high_mild,
            RED,
            format!("Tukey's high mild fence {high_mild:.1} µs"),
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

fn speedup_figure(svg: &mut String) -> Result<(), Box<dyn Error>> {
    let root = SVGBackend::with_string(svg, (720, 420)).into_drawing_area();
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
            [(1.0, 1.0), (7.0, 7.0)],
            BLACK.mix(0.4).stroke_width(1),
        ))?
        .label("perfect: n times faster on n threads")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.4)));
    for ((name, medians), color) in curves()?.into_iter().zip([BLUE, RED, GREEN]) {
        let points: Vec<(usize, f64)> = medians
            .iter()
            .map(|&(n, t)| (n, medians[0].1 / t))
            .collect();
        // With one point on CORES threads, the least-squares fit of Exercise 10.4 is the fraction
        // that point gives: p = (1 - 1/S) / (1 - 1/n), as in the rayon chapter.
        let (n, s) = points
            .iter()
            .copied()
            .find(|&(n, _)| n == CORES)
            .ok_or("a curve has no point on 2 threads")?;
        let p = (1.0 - 1.0 / s) / (1.0 - 1.0 / n as f64);
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
                    (n, 1.0 / ((1.0 - p) + p / n))
                }),
                color.stroke_width(2),
            ))?
            .label(format!(
                "Amdahl's law with p = {p:.2}, from the point on {CORES} threads"
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

/// A named speedup curve: `(threads, median time in ns)` points.
type Curve = (String, Vec<(usize, f64)>);

/// The curves of [`SPEEDUP`], in the order they first appear.
fn curves() -> Result<Vec<Curve>, Box<dyn Error>> {
    let mut curves: Vec<Curve> = Vec::new();
    for line in SPEEDUP
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split(',').collect();
        let [name, n, t] = fields[..] else {
            return Err(format!("speedup.csv: not `curve,threads,median`: {line}").into());
        };
        let point = (n.parse()?, t.parse()?);
        match curves.iter_mut().find(|(c, _)| c == name) {
            Some((_, points)) => points.push(point),
            None => curves.push((name.to_owned(), vec![point])),
        }
    }
    Ok(curves)
}
