//! The report as JUnit XML: a test suite per lab, a test case per graded test.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::{Report, Status};

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut junit = Junit::new("cargo lab grade");
    for lab in &report.labs {
        let mut suite = TestSuite::new(lab.id.as_str());
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
