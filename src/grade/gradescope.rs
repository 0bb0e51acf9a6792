//! The report as Gradescope's `results.json`: one Gradescope test per exercise (an exercise
//! scores all its points or none), with every graded test's outcome in its output, and the
//! sandbox, the integrity check and anything that needs a person in the overall output. Student
//! text has its control characters written out.

use serde::Serialize;

use super::terminal::{lab_lines, standing_lines, visible_block, visible_line};
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
            for line in lab_lines(lab) {
                output += &format!("{line}\n");
            }
            for test in &ex.tests {
                let outcome = if test.status == Status::Passed {
                    "passed".to_string()
                } else {
                    visible_line(&test.reason)
                };
                output += &format!("{}: {outcome}\n", test.name);
                if !test.output.is_empty() {
                    output += &format!("{}\n", visible_block(test.output.trim_end()));
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
        output: standing_lines(report).join("\n"),
        visibility: "visible",
        stdout_visibility: "hidden",
        tests,
    };
    Ok(serde_json::to_string_pretty(&results)? + "\n")
}
