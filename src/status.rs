//! `cargo lab status`: where a student stands, worked out by running the graded tests on their
//! code right now (there is no state file to keep in step).

use anyhow::Result;

use crate::cargo::Cargo;
use crate::manifest::{Manifest, Mode};
use crate::suite::Suite;
use crate::workbook::{Lab, Workbook};

/// One exercise's standing.
struct Standing {
    id: String,
    name: String,
    points: u32,
    earned: u32,
    /// The first test that did not pass, and why.
    first_failure: Option<String>,
}

/// Prints each lab's exercises, pass or fail, with points and a total.
pub fn run(workbook: &Workbook, names: &[String], with_loom: bool) -> Result<()> {
    let labs = workbook.select(names)?;
    let cargo = Cargo::for_workspace(&workbook.root)?;
    let (mut earned, mut possible) = (0, 0);
    for lab in labs {
        let manifest = match lab.manifest() {
            Ok(m) => m,
            Err(e) => {
                println!("{}: cannot read its lab.toml: {e:#}\n", lab.folder);
                continue;
            }
        };
        println!("{}  {}", lab.folder, manifest.title);
        let standings = lab_standing(&cargo, workbook, lab, manifest, with_loom)?;
        let lab_earned: u32 = standings.iter().map(|s| s.earned).sum();
        for s in &standings {
            let mark = if s.earned == s.points { "pass" } else { "FAIL" };
            let score = format!("{}/{}", s.earned, s.points);
            println!("  {mark}  {:<5} {:<48} {score:>5}", s.id, s.name);
            if let Some(why) = &s.first_failure {
                println!("               {why}");
            }
        }
        println!("  {lab_earned}/{} points\n", manifest.total_points());
        earned += lab_earned;
        possible += manifest.total_points();
    }
    println!("Total: {earned}/{possible} points");
    Ok(())
}

fn lab_standing(
    cargo: &Cargo,
    workbook: &Workbook,
    lab: &Lab,
    manifest: &Manifest,
    with_loom: bool,
) -> Result<Vec<Standing>> {
    let mut modes = vec![Mode::Plain];
    if with_loom && manifest.has_loom_tests() {
        modes.push(Mode::Loom);
    }
    eprintln!("  building and running the tests of {} ...", lab.package);
    let suite = Suite::build(cargo, &workbook.root, &lab.package, &lab.dir, &modes)?;
    let graded = manifest.graded_tests();
    let mut standings = Vec::new();
    for ex in &manifest.exercises {
        let mut first_failure = None;
        for test in graded.iter().filter(|t| t.exercise == ex.id) {
            let why = match &suite {
                _ if !modes.contains(&test.mode) => {
                    Some(format!("{}: not run (--no-loom)", test.test))
                }
                Err(failure) => Some(format!(
                    "the {} do not compile: run `cargo test -p {}` to see why",
                    failure.mode.label(),
                    lab.package
                )),
                Ok(suite) => {
                    let run = suite.run(test)?;
                    (!run.verdict.passed())
                        .then(|| format!("{}: {}", test.test, run.verdict.describe()))
                }
            };
            if why.is_some() {
                first_failure = why;
                break;
            }
        }
        let earned = if first_failure.is_none() {
            ex.points
        } else {
            0
        };
        standings.push(Standing {
            id: ex.id.clone(),
            name: ex.name.clone(),
            points: ex.points,
            earned,
            first_failure,
        });
    }
    Ok(standings)
}
