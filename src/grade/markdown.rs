//! The report as Markdown, for a CI job summary. Everything a student wrote (panic messages,
//! names) is escaped so it cannot break the table or inject markup.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = format!(
        "## Grade: {}/{} ({:.0}%)\n\n| lab | exercise | points | result |\n| --- | --- | ---: | --- |\n",
        report.score,
        report.max_score,
        report.percent()
    );
    for lab in &report.labs {
        for ex in &lab.exercises {
            let result = if ex.score == ex.max_score {
                "passed".to_string()
            } else if let Some(why) = &lab.not_graded {
                format!("not graded: {}", why.lines().next().unwrap_or_default())
            } else if let Some(why) = &lab.zeroed {
                format!("zeroed: {why}")
            } else if let Some(why) = &report.void {
                format!("void: {why}")
            } else {
                let first = ex.tests.iter().find(|t| !t.reason.is_empty());
                first.map_or_else(String::new, |t| format!("{}: {}", t.name, t.reason))
            };
            out += &format!(
                "| {} | {} {} | {}/{} | {} |\n",
                escape(&lab.id),
                escape(&ex.id),
                escape(&ex.name),
                ex.score,
                ex.max_score,
                escape(&result)
            );
        }
    }
    let tampering: Vec<String> = report
        .labs
        .iter()
        .flat_map(|lab| {
            lab.tampering
                .iter()
                .map(|t| format!("- `{}`", t.to_string().replace('`', "'")))
        })
        .collect();
    if !tampering.is_empty() {
        out += &format!(
            "\n**Protected files were changed:**\n\n{}\n",
            tampering.join("\n")
        );
    }
    let flagged: Vec<String> = report
        .labs
        .iter()
        .flat_map(|lab| {
            let zeroed = lab.zeroed.is_some();
            lab.review.iter().map(move |hit| {
                let mark = if zeroed { "disallowed" } else { "needs review" };
                format!("- {mark}: {}", escape(&hit.to_string()))
            })
        })
        .collect();
    if !flagged.is_empty() {
        out += &format!("\n**Flagged in src/:**\n\n{}\n", flagged.join("\n"));
    }
    if !report.incidents.is_empty() {
        let lines: Vec<String> = report
            .incidents
            .iter()
            .map(|i| format!("- {}", escape(&i.to_string())))
            .collect();
        out += &format!("\n**During grading:**\n\n{}\n", lines.join("\n"));
    }
    if !report.ignored.is_empty() {
        let lines: Vec<String> = report
            .ignored
            .iter()
            .map(|i| format!("- {}: {}", escape(&i.path), escape(&i.why)))
            .collect();
        out += &format!("\n**Ignored in the submission:**\n\n{}\n", lines.join("\n"));
    }
    if let Some(why) = &report.void {
        out += &format!("\n**Void:** {}\n", escape(why));
    }
    for why in &report.advisory {
        out += &format!("\n**Advisory:** {}\n", escape(why));
    }
    if report.needs_review {
        out += "\n**Needs review:** a person should look at the flagged labs before this grade counts.\n";
    }
    out += &format!("\n_Integrity: {}_\n", escape(&report.integrity));
    out += &format!("\n_Sandbox: {}_\n", escape(&report.sandbox.mechanism));
    out
}

/// Text safe inside a Markdown table cell: no pipes, no HTML, no line breaks, bounded length.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().take(600) {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' | '*' | '_' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn student_text_cannot_break_the_table() {
        assert_eq!(escape("a|b\n<script>"), "a\\|b &lt;script&gt;");
    }
}
