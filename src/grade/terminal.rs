//! The report as a table for people: per lab and exercise, points, pass or fail, and why.
//!
//! Whatever a student can influence (panic messages, compiler output, file and process names)
//! goes through [`visible_line`]: control characters are shown, never sent to the terminal, so
//! output cannot erase a line, move the cursor or draw a fake score.

use super::{Report, Status};

pub fn render(report: &Report) -> String {
    let v = visible_line;
    let mut out = String::new();
    for lab in &report.labs {
        out += &format!(
            "{}  {}  {}/{}\n",
            v(&lab.folder),
            v(&lab.title),
            lab.score,
            lab.max_score
        );
        for line in lab_lines(lab) {
            out += &format!("  {line}\n");
        }
        for ex in &lab.exercises {
            let mark = if ex.score == ex.max_score {
                "pass"
            } else {
                "FAIL"
            };
            out += &format!(
                "  {mark}  {:<5} {:<46} {:>2}/{}\n",
                v(&ex.id),
                v(&ex.name),
                ex.score,
                ex.max_score
            );
            if lab.not_graded.is_some() {
                continue;
            }
            for test in ex.tests.iter().filter(|t| t.status != Status::Passed) {
                out += &format!("          {}: {}\n", v(&test.name), v(&test.reason));
            }
        }
        out.push('\n');
    }
    for line in standing_lines(report) {
        out += &line;
        out.push('\n');
    }
    out += &format!(
        "Score: {}/{} ({:.0}%)\n",
        report.score,
        report.max_score,
        report.percent()
    );
    out
}

/// `text` as one line that is safe to print on a terminal: line breaks, escape sequences and
/// every other control character are written out (`\n`, `\x1b`), as are the Unicode characters
/// that reorder or hide text (`\u{202e}`).
pub fn visible_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let code = c as u32;
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{{{code:x}}}"));
                }
            }
            c if invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `text` as lines that are safe to print: like [`visible_line`], but line breaks stay.
pub fn visible_block(text: &str) -> String {
    text.split('\n')
        .map(visible_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The report's sandbox, advisory, void, review, ignored files and incidents, as lines for
/// people (the terminal table's footer, Gradescope's overall output).
pub fn standing_lines(report: &Report) -> Vec<String> {
    let v = visible_line;
    let mut lines = Vec::new();
    for ignored in &report.ignored {
        lines.push(format!(
            "IGNORED  {}: {}",
            v(&ignored.path),
            v(&ignored.why)
        ));
    }
    for incident in &report.incidents {
        let mark = if incident.voids { "VOIDS" } else { "NOTE" };
        lines.push(format!("{mark}  {}", v(&incident.to_string())));
    }
    lines.push(format!("Integrity: {}", v(&report.integrity)));
    lines.push(format!("Sandbox: {}", v(&report.sandbox.mechanism)));
    for why in &report.advisory {
        lines.push(format!("ADVISORY: {}", v(why)));
    }
    if let Some(why) = &report.void {
        lines.push(format!("VOID: {}", v(why)));
    }
    if report.needs_review {
        lines.push(
            "NEEDS REVIEW: a person should look at the flagged labs before this grade counts"
                .into(),
        );
    }
    lines
}

/// A lab's flags (tampering, not graded, zeroed, review hits), as lines.
pub fn lab_lines(lab: &super::LabReport) -> Vec<String> {
    let v = visible_line;
    let mut lines = Vec::new();
    for t in &lab.tampering {
        lines.push(format!("TAMPERED  {}", v(&t.to_string())));
    }
    if let Some(why) = &lab.not_graded {
        lines.push(format!(
            "NOT GRADED  {}",
            v(why.lines().next().unwrap_or_default())
        ));
    }
    if let Some(why) = &lab.zeroed {
        lines.push(format!("ZEROED  {}", v(why)));
    }
    for hit in &lab.review {
        let mark = if lab.zeroed.is_some() {
            "DISALLOWED"
        } else {
            "NEEDS REVIEW"
        };
        lines.push(format!("{mark}  {}", v(&hit.to_string())));
    }
    if let Some(why) = &lab.review_incomplete {
        lines.push(format!(
            "NEEDS REVIEW  the review of src/ is incomplete: {}",
            v(why)
        ));
    }
    lines
}

/// Unicode format characters that change how text around them is shown: bidirectional
/// overrides and isolates, zero-width characters, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::visible_line;

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        let fake = "ok\u{1b}[2K\u{1b}[1A\rScore: 12/12\n\u{9b}31m\u{202e}x";
        let shown = visible_line(fake);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert_eq!(
            shown,
            "ok\\x1b[2K\\x1b[1A\\rScore: 12/12\\n\\x9b31m\\u{202e}x"
        );
    }
}
