//! The output (given, not an exercise): one line per input URL, in input order, and what a run
//! reports when it ends.
//!
//! A line has four or five fields separated by tabs (shown here as wide spaces): the item's
//! index, its URL, `ok` or `error`, then the summary, or the kind of error and its message:
//!
//! ```text
//! 0   http://127.0.0.1:4000/item/0         ok      words=203 distinct=24 checksum=5c0f6a1b2d3e4f50
//! 1   http://127.0.0.1:4000/status/404/1   error   status   the server answered with status 404
//! ```
//!
//! A run that was cancelled before its last line ends with the line [`cancelled_marker`]:
//! `# cancelled: 7 of 200 lines written`. Nothing else starts with `#`.

use std::collections::BTreeMap;
use std::fmt;

use crate::item::Done;

/// The line for `done`, without its newline.
pub fn line(done: &Done) -> String {
    match &done.outcome {
        Ok(summary) => format!("{}\t{}\tok\t{summary}", done.index, done.url),
        Err(error) => format!(
            "{}\t{}\terror\t{}\t{error}",
            done.index,
            done.url,
            error.kind()
        ),
    }
}

/// The last line of a run that was cancelled after writing `written` of `total` lines, without
/// its newline.
pub fn cancelled_marker(written: usize, total: usize) -> String {
    format!("# cancelled: {written} of {total} lines written")
}

/// One line of output, read back (for tests and examples).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub index: usize,
    pub url: String,
    /// `None` for `ok`, else the kind of error (`timeout`, `status`, …).
    pub error: Option<String>,
    /// The summary, or the error's message.
    pub detail: String,
}

impl Line {
    /// Reads a line written by [`line`]; `None` if it is not one (the marker, or garbage).
    pub fn parse(text: &str) -> Option<Line> {
        let fields: Vec<&str> = text.trim_end_matches('\n').split('\t').collect();
        let index = fields.first()?.parse().ok()?;
        match fields[..] {
            [_, url, "ok", detail] => Some(Line {
                index,
                url: url.to_owned(),
                error: None,
                detail: detail.to_owned(),
            }),
            [_, url, "error", kind, detail] => Some(Line {
                index,
                url: url.to_owned(),
                error: Some(kind.to_owned()),
                detail: detail.to_owned(),
            }),
            _ => None,
        }
    }
}

/// What a run did, as [`crate::pipeline::run`] returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// How many URLs the run was given.
    pub total: usize,
    /// How many lines it wrote (a prefix of the input: lines `0..written`).
    pub written: usize,
    /// Of the lines written, how many say `ok`.
    pub ok: usize,
    /// Of the lines written, how many say `error`, by kind of error.
    pub failed: BTreeMap<&'static str, usize>,
    /// Whether the run was cancelled before it wrote every line (then the output ends with
    /// [`cancelled_marker`]).
    pub cancelled: bool,
}

impl Report {
    /// A report of nothing yet, for a run of `total` URLs.
    pub fn new(total: usize) -> Report {
        Report {
            total,
            ..Report::default()
        }
    }

    /// Counts the line written for `done`.
    pub fn record(&mut self, done: &Done) {
        self.written += 1;
        match &done.outcome {
            Ok(_) => self.ok += 1,
            Err(error) => *self.failed.entry(error.kind()).or_default() += 1,
        }
    }

    /// How many of the lines written say `error`.
    pub fn failures(&self) -> usize {
        self.failed.values().sum()
    }
}

impl fmt::Display for Report {
    /// `200 URLs: 190 ok, 10 failed (6 status, 4 transform)`, plus `, cancelled after 57 lines`
    /// when the run was cancelled.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} URLs: {} ok, {} failed",
            self.total,
            self.ok,
            self.failures()
        )?;
        if !self.failed.is_empty() {
            let kinds: Vec<String> = self
                .failed
                .iter()
                .map(|(kind, count)| format!("{count} {kind}"))
                .collect();
            write!(f, " ({})", kinds.join(", "))?;
        }
        if self.cancelled {
            write!(f, ", cancelled after {} lines", self.written)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::FetchError;
    use crate::item::ItemError;
    use crate::transform::Summary;

    #[test]
    fn lines_read_back() {
        let ok = Done {
            index: 3,
            url: "sim:/a".into(),
            outcome: Ok(Summary {
                words: 1,
                distinct: 1,
                checksum: 2,
            }),
        };
        let parsed = Line::parse(&line(&ok)).unwrap();
        assert_eq!((parsed.index, parsed.error), (3, None));
        let failed = Done {
            index: 4,
            url: "sim:/b".into(),
            outcome: Err(ItemError::Fetch(FetchError::Status(404))),
        };
        let parsed = Line::parse(&line(&failed)).unwrap();
        assert_eq!(parsed.error.as_deref(), Some("status"));
        assert_eq!(Line::parse(&cancelled_marker(1, 2)), None);
    }

    #[test]
    fn a_report_counts_and_says_so() {
        let mut report = Report::new(3);
        report.record(&Done {
            index: 0,
            url: "u".into(),
            outcome: Err(ItemError::Fetch(FetchError::TimedOut)),
        });
        assert_eq!(report.to_string(), "3 URLs: 0 ok, 1 failed (1 timeout)");
    }
}
