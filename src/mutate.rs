//! `cargo lab mutate`: mutants nobody wrote by hand.
//!
//! Parses each lab's solution files (only what the student writes) and applies the
//! concurrency-aware operators of [`operators`] to them, plus the generic operators of
//! `cargo-mutants` when it is installed (see [`generic`]); judges every mutant exactly as
//! `cargo lab verify` judges hand-written ones; prints the kill rate per lab and per operator;
//! and records every verdict in `solutions/NN-topic/generated.toml`, which `verify` checks.

mod generic;
pub mod operators;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::cache::{Cache, Key};
use crate::cargo::Cargo;
use crate::generated::{self, Entry, Record};
use crate::judge::{self, Judgement, Slots};
use crate::patch::Patch;
use crate::shadow::Shadow;
use crate::variants::{Kind, Solutions, Variant};
use crate::workbook::{Lab, Workbook};

/// What `cargo lab mutate` was asked to do.
pub struct Options {
    /// Only list the mutants.
    pub list: bool,
    /// Only print the diff of this mutant.
    pub show: Option<String>,
    /// Repeat runs of a mutant's failing tests (its grade must be the same every time).
    pub repeat: usize,
    /// Leave out cargo-mutants' generic operators.
    pub no_generic: bool,
}

/// A generated mutant: its name, its operator, and the patch that makes it.
pub struct Generated {
    pub name: String,
    pub operator: String,
    pub patch: Patch,
}

/// Runs the command; returns whether every mutant of every lab was killed, failed to compile,
/// or is listed as equivalent.
pub fn run(workbook: &Workbook, names: &[String], options: &Options) -> Result<bool> {
    let labs = workbook.select(names)?;
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let mut all_good = true;
    let environment = crate::cache::environment()?
        .file("Cargo.toml", &workbook.root.join("Cargo.toml"))
        .file("Cargo.lock", &workbook.root.join("Cargo.lock"))
        .tree("support", &workbook.root.join("support"))?;
    let cache = Cache::new(&cargo.target_dir, true);
    let cores = thread::available_parallelism().map_or(2, |n| n.get());
    let slots = Slots::new(2 * cores);
    let run_start = Instant::now();
    let mut summary = Vec::new();

    for lab in labs {
        let manifest = lab.manifest()?;
        let sols = Solutions::load(workbook, lab)?;
        let generic = if options.no_generic {
            None
        } else {
            generic::available()
        };
        let generator = generator_name(generic.as_deref());
        let mutants = generate(workbook, &cargo, lab, &sols, generic.is_some())?;

        if options.list {
            println!("{} ({} mutants, {generator}):", lab.folder, mutants.len());
            for m in &mutants {
                println!("  [{}] {}", m.operator, m.name);
            }
            continue;
        }
        if let Some(name) = &options.show {
            if let Some(m) = mutants.iter().find(|m| &m.name == name) {
                println!("{}\n\n{}", m.patch.description, m.patch.diff);
                return Ok(true);
            }
            continue;
        }

        let start = Instant::now();
        println!(
            "{}: judging {} generated mutants ({generator})",
            lab.folder,
            mutants.len()
        );
        let graded = manifest.graded_tests();
        // Each copy with the cargo that builds in it: its own final artifacts when cargo can
        // keep them apart; otherwise a lab's binaries are shared, and one copy judges alone.
        let shadows: Vec<(Shadow, Option<Cargo>)> = (1..=judge::judges())
            .map(|n| {
                let shadow = Shadow::create(workbook, &cargo.target_dir, &format!("mutate-{n}"))?;
                shadow.build_lean()?;
                let own = cargo.with_artifact_dir(&shadow.artifact_dir());
                Ok((shadow, own))
            })
            .collect::<Result<_>>()?;
        let shared = shadows.iter().any(|(_, own)| own.is_none());
        let shadows = if shared && !cargo.bin_targets(&workbook.root, &lab.package)?.is_empty() {
            &shadows[..1]
        } else {
            &shadows[..]
        };
        let lab_key = environment
            .clone()
            .text("check", "generated mutant")
            .text("lab", &lab.folder)
            .tree("lab folder", &lab.dir)?
            .text("repeat", &options.repeat.to_string());

        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        let mut verdicts: BTreeMap<usize, (String, String)> = BTreeMap::new();
        thread::scope(|scope| -> Result<()> {
            for (shadow, own) in shadows {
                let (tx, next, mutants) = (tx.clone(), &next, &mutants);
                let (cache, slots, graded, sols, lab_key) =
                    (&cache, &slots, &graded, &sols, &lab_key);
                let cargo = own.as_ref().unwrap_or(&cargo);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(m) = mutants.get(index) else { return };
                        let outcome = judge_one(
                            cargo,
                            cache,
                            slots,
                            shadow,
                            lab,
                            sols,
                            graded,
                            m,
                            lab_key,
                            options.repeat,
                        );
                        if tx.send((index, outcome)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let total = mutants.len();
            for (done, (index, outcome)) in rx.into_iter().enumerate() {
                let (label, detail) =
                    outcome.unwrap_or_else(|e| ("error".into(), format!("{e:#}")));
                println!(
                    "  [{}/{total}] {} ... {label}{}",
                    done + 1,
                    mutants[index].name,
                    if label == "killed" {
                        String::new()
                    } else {
                        format!(": {}", first_line(&detail))
                    }
                );
                verdicts.insert(index, (label, detail));
            }
            Ok(())
        })?;

        let record = Record {
            key: generated::key(workbook, lab, &sols, manifest, &generator)?,
            generator: generator.clone(),
            mutants: mutants
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let (verdict, detail) = verdicts.remove(&i).unwrap_or_default();
                    Entry {
                        name: m.name.clone(),
                        operator: m.operator.clone(),
                        verdict,
                        detail: first_line(&detail).to_string(),
                    }
                })
                .collect(),
        };
        let errors = record
            .mutants
            .iter()
            .filter(|m| m.verdict == "error")
            .count();
        if errors > 0 {
            bail!(
                "{}: {errors} mutants could not be judged (see above); the record was not written",
                lab.folder
            );
        }
        record.save(&generated::path(workbook, lab))?;
        let unjustified = report(lab, &record, manifest);
        all_good &= unjustified == 0;
        summary.push((lab.folder.clone(), record, start.elapsed()));
    }

    if !summary.is_empty() {
        println!(
            "\nkill rate (killed / (killed + survived + flawed); unviable and equivalent apart):"
        );
        let mut per_operator: BTreeMap<String, [usize; 4]> = BTreeMap::new();
        for (folder, record, took) in &summary {
            let counts = count(record.mutants.iter());
            println!(
                "  {folder:<16} {}  ({:.0} s)",
                rate(&counts),
                took.as_secs_f64()
            );
            for m in &record.mutants {
                let entry = per_operator.entry(m.operator.clone()).or_default();
                add(entry, &m.verdict);
            }
        }
        println!("per operator:");
        for (operator, counts) in per_operator {
            println!("  {operator:<24} {}", rate(&counts));
        }
        println!("wall time: {:.0} s", run_start.elapsed().as_secs_f64());
    }
    Ok(all_good)
}

/// The mutants of a lab, named stably: file, function, change (and `#n` when that repeats).
pub fn generate(
    workbook: &Workbook,
    cargo: &Cargo,
    lab: &Lab,
    sols: &Solutions,
    with_generic: bool,
) -> Result<Vec<Generated>> {
    let mut found: Vec<(String, String, String, String)> = Vec::new(); // (name, operator, path, mutated)
    for (path, text) in &sols.fills {
        if !path.ends_with(".rs") {
            continue;
        }
        let sites = operators::sites(text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        for site in sites {
            let mutated = format!(
                "{}{}{}",
                &text[..site.range.start],
                site.replacement,
                &text[site.range.end..]
            );
            let name = format!("{path}: {}: {}", site.function, site.change);
            found.push((name, site.operator.to_string(), path.clone(), mutated));
        }
    }
    if with_generic {
        for g in generic::mutants(workbook, cargo, lab, sols)? {
            found.push((g.name, g.operator, g.path, g.mutated));
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (name, operator, path, mutated) in found {
        let n = seen.entry(name.clone()).or_default();
        *n += 1;
        let name = if *n > 1 { format!("{name} #{n}") } else { name };
        let mut after = sols.fills.clone();
        after.insert(path, mutated);
        let text = crate::patch::write(
            &format!("Generated by `cargo lab mutate` ({operator}): {name}"),
            &sols.fills,
            &after,
        );
        let patch = Patch::parse(&text)?;
        out.push(Generated {
            name,
            operator,
            patch,
        });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn judge_one(
    cargo: &Cargo,
    cache: &Cache,
    slots: &Slots,
    shadow: &Shadow,
    lab: &Lab,
    sols: &Solutions,
    graded: &[crate::manifest::GradedTest],
    mutant: &Generated,
    lab_key: &Key,
    repeat: usize,
) -> Result<(String, String)> {
    let variant = Variant {
        kind: Kind::Mutant,
        name: mutant.name.clone(),
        description: mutant.patch.description.clone(),
        patch: Some(mutant.patch.clone()),
    };
    let files = match sols.materialize(lab, &variant) {
        Ok(files) => files,
        // A mutated solution that no longer merges into the starter cannot be built either.
        Err(e) => return Ok(("unviable".into(), format!("{e:#}"))),
    };
    let key = lab_key.clone().files("variant", &files);
    if let Some((finding, _)) = cache.get(&key) {
        let text = match finding {
            Ok(t) | Err(t) => t,
        };
        if let Some((label, detail)) = text.split_once('\n') {
            return Ok((label.to_string(), detail.to_string()));
        }
    }
    shadow.put(lab, &files)?;
    let (judgement, _) = judge::mutant(cargo, &shadow.root, lab, graded, repeat, slots, None)?;
    let detail = match &judgement {
        Judgement::Killed(t)
        | Judgement::Unviable(t)
        | Judgement::Survived(t)
        | Judgement::Flawed(t) => t.clone(),
    };
    let label = judgement.label().to_string();
    cache.put(&key, &Ok(format!("{label}\n{detail}")), 0.0);
    Ok((label, detail))
}

/// Prints the mutants that were not killed, and whether lab.toml justifies each; returns how many
/// are not justified.
fn report(lab: &Lab, record: &Record, manifest: &crate::manifest::Manifest) -> usize {
    let mut unjustified = 0;
    for m in &record.mutants {
        if matches!(m.verdict.as_str(), "killed" | "unviable") {
            continue;
        }
        let justified = manifest.equivalents.iter().find(|e| e.mutant == m.name);
        match justified {
            Some(e) => println!("  equivalent: {} ({})", m.name, e.reason),
            None => {
                unjustified += 1;
                println!("  NOT KILLED ({}): {} — {}", m.verdict, m.name, m.detail);
            }
        }
    }
    if unjustified > 0 {
        println!(
            "{}: {unjustified} generated mutants were not killed: strengthen the tests, or list each in lab.toml under [[equivalent]] with a reason",
            lab.folder
        );
    }
    unjustified
}

/// Whether a recorded mutant came from cargo-mutants' generic operators (see [`generic`]).
pub fn is_generic(operator: &str) -> bool {
    operator.starts_with("cargo-mutants")
}

fn generator_name(generic: Option<&str>) -> String {
    match generic {
        Some(version) => format!(
            "cargo lab mutate operators v{} + {version}",
            operators::VERSION
        ),
        None => format!("cargo lab mutate operators v{}", operators::VERSION),
    }
}

/// [killed, survived, flawed, unviable]
fn count<'a>(mutants: impl Iterator<Item = &'a Entry>) -> [usize; 4] {
    let mut counts = [0; 4];
    for m in mutants {
        add(&mut counts, &m.verdict);
    }
    counts
}

fn add(counts: &mut [usize; 4], verdict: &str) {
    let i = match verdict {
        "killed" => 0,
        "survived" => 1,
        "flawed" => 2,
        _ => 3,
    };
    counts[i] += 1;
}

fn rate(counts: &[usize; 4]) -> String {
    let [killed, survived, flawed, unviable] = *counts;
    let judged = killed + survived + flawed;
    let percent = if judged == 0 {
        100.0
    } else {
        100.0 * killed as f64 / judged as f64
    };
    format!(
        "{killed}/{judged} killed ({percent:.0}%), {survived} survived, {flawed} flawed, {unviable} unviable"
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
