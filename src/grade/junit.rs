//! The report as JUnit XML: a test suite per lab, a test case per graded test.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::terminal::{lab_lines, standing_lines};
use super::{Report, Status};

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut junit = Junit::new("cargo lab grade");
    for lab in &report.labs {
        let mut suite = TestSuite::new(lab.id.as_str());
        suite.add_property(Property::new("sandbox", report.sandbox.mechanism.as_str()));
        suite.add_property(Property::new("standing", report.standing()));
        let flags = lab_lines(lab);
        if !flags.is_empty() {
            suite.set_system_out(flags.join("\n"));
        }
        for ex in &lab.exercises {
            for test in &ex.tests {
                let status = match test.status {
                    Status::Passed => TestCaseStatus::success(),
                    Status::NotRun => {
                        let mut s = TestCaseStatus::skipped();
                        s.set_message(test.reason.as_str());
                        s
                    }
                    Status::Failed => failure(NonSuccessKind::Failure, &test.reason, &test.output),
                    Status::TimedOut | Status::Crashed | Status::NoResult => {
                        failure(NonSuccessKind::Error, &test.reason, &test.output)
                    }
                };
                let mut case = TestCase::new(test.name.as_str(), status);
                case.set_classname(format!("{}.{}", lab.id, ex.id));
                case.set_time(Duration::from_secs_f64(test.seconds));
                suite.add_test_case(case);
            }
        }
        junit.add_test_suite(suite);
    }
    // The grade's own standing, as a test case a CI page shows: it fails when the grade is
    // void, advisory or needs a person.
    let mut grading = TestSuite::new("grading");
    let details = standing_lines(report).join("\n");
    let status = match report.standing() {
        "counts" => TestCaseStatus::success(),
        standing => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("the grade is {standing}"));
            s.set_description(details.as_str());
            s
        }
    };
    let mut case = TestCase::new("sandbox and integrity", status);
    case.set_classname("grading");
    case.set_system_out(details.as_str());
    grading.add_test_case(case);
    junit.add_test_suite(grading);
    Ok(junit.to_string()?)
}

fn failure(kind: NonSuccessKind, reason: &str, output: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(reason);
    if !output.is_empty() {
        status.set_description(output);
    }
    status
}
