//! `cargo lab status`: where a student stands, worked out by running the graded tests on their
//! code right now, exactly as the grader does (there is no state file to keep in step).

use anyhow::Result;

use crate::cargo::Cargo;
use crate::grade::{self, Status};
use crate::workbook::Workbook;

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
        eprintln!("building and running the tests of {} ...", lab.package);
        let report = grade::score_lab(&cargo, &workbook.root, lab, manifest, with_loom)?;
        println!("{}  {}", lab.folder, report.title);
        if let Some(why) = &report.not_graded {
            println!("  {}", why.lines().next().unwrap_or_default());
        }
        for ex in &report.exercises {
            let mark = if ex.score == ex.max_score {
                "pass"
            } else {
                "FAIL"
            };
            let score = format!("{}/{}", ex.score, ex.max_score);
            println!("  {mark}  {:<5} {:<48} {score:>5}", ex.id, ex.name);
            let first_failure = ex.tests.iter().find(|t| t.status != Status::Passed);
            if let (None, Some(test)) = (&report.not_graded, first_failure) {
                println!("               {}: {}", test.name, test.reason);
            }
        }
        println!("  {}/{} points\n", report.score, report.max_score);
        earned += report.score;
        possible += report.max_score;
    }
    println!("Total: {earned}/{possible} points");
    Ok(())
}
