//! The report as Gradescope's `results.json`: one Gradescope test per exercise (an exercise
//! scores all its points or none), with every graded test's outcome in its output.

use serde::Serialize;

use super::{Report, Status};

#[derive(Serialize)]
struct Results {
    score: u32,
    output: String,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    output: String,
    visibility: &'static str,
}

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut tests = Vec::new();
    for lab in &report.labs {
        for ex in &lab.exercises {
            let mut output = String::new();
            for t in &lab.tampering {
                output += &format!("TAMPERED: {t}\n");
            }
            for test in &ex.tests {
                let outcome = if test.status == Status::Passed {
                    "passed"
                } else {
                    &test.reason
                };
                output += &format!("{}: {outcome}\n", test.name);
                if !test.output.is_empty() {
                    output += &format!("{}\n", test.output.trim_end());
                }
            }
            tests.push(Test {
                name: format!("{} {}: {}", lab.id, ex.id, ex.name),
                number: ex.id.clone(),
                score: ex.score,
                max_score: ex.max_score,
                status: if ex.score == ex.max_score {
                    "passed"
                } else {
                    "failed"
                },
                output,
                visibility: "visible",
            });
        }
    }
    let results = Results {
        score: report.score,
        output: format!("Integrity: {}", report.integrity),
        visibility: "visible",
        stdout_visibility: "hidden",
        tests,
    };
    Ok(serde_json::to_string_pretty(&results)? + "\n")
}
