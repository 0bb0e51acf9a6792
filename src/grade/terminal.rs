//! The report as a table for people: per lab and exercise, points, pass or fail, and why.

use super::{Report, Status};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for lab in &report.labs {
        out += &format!(
            "{}  {}  {}/{}\n",
            lab.folder, lab.title, lab.score, lab.max_score
        );
        for t in &lab.tampering {
            out += &format!("  TAMPERED  {t}\n");
        }
        if let Some(why) = &lab.not_graded {
            out += &format!("  NOT GRADED  {}\n", why.lines().next().unwrap_or_default());
        }
        for ex in &lab.exercises {
            let mark = if ex.score == ex.max_score {
                "pass"
            } else {
                "FAIL"
            };
            out += &format!(
                "  {mark}  {:<5} {:<46} {:>2}/{}\n",
                ex.id, ex.name, ex.score, ex.max_score
            );
            if lab.not_graded.is_some() {
                continue;
            }
            for test in ex.tests.iter().filter(|t| t.status != Status::Passed) {
                out += &format!("          {}: {}\n", test.name, test.reason);
            }
        }
        out.push('\n');
    }
    out += &format!("Integrity: {}\n", report.integrity);
    out += &format!(
        "Score: {}/{} ({:.0}%)\n",
        report.score,
        report.max_score,
        report.percent()
    );
    out
}
