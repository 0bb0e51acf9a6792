//! Exercise 11.6: the program. `cargo run -p lab-pipeline -- --urls FILE --in-flight K
//! --cpu-workers N --out FILE` (`--help` says the rest).
//!
//! Given here: the command line ([`Args`]), reading the URL file ([`read_urls`]), the progress
//! bar ([`progress_bar`]) and the exit codes ([`exit`]). Yours: [`main`], which puts them and the
//! pipeline together.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{Config, Policy};
use crate::http::split_url;

/// The program's exit codes.
pub mod exit {
    /// Every URL has an `ok` line.
    pub const OK: u8 = 0;
    /// The run could not start or could not write its output: an unreadable URL file, a line of
    /// it that is not a URL, an output file that cannot be created or written.
    pub const CANNOT_RUN: u8 = 1;
    /// The command line is wrong (clap's own code for usage errors).
    pub const USAGE: u8 = 2;
    /// Every line was written, and at least one says `error`.
    pub const ITEMS_FAILED: u8 = 3;
    /// Interrupted (Ctrl-C) before every line was written: the output holds a complete prefix and
    /// ends with the `# cancelled` line (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
}

const AFTER_HELP: &str = "\
Output: one line per URL, in the order of the URL file, tab-separated:
  INDEX  URL  ok     words=… distinct=… checksum=…
  INDEX  URL  error  KIND  MESSAGE       (KIND: timeout, status, io, malformed, url, transform)
Ctrl-C stops the run cleanly: fetches in flight are cancelled, computations already started
finish, and the output ends with '# cancelled: W of T lines written'.
A summary goes to stderr; a progress bar too, when stderr is a terminal.

Exit status:
  0    every URL succeeded
  1    could not run: unreadable URL file, a line that is not a URL, unwritable output
  2    wrong command line
  3    done, but some URLs failed (see their lines and the summary)
  130  interrupted by Ctrl-C";

// ANCHOR: args
/// Fetch every URL of a file (at most K at a time), summarise each body on a pool of N CPU
/// workers, and write one line per URL, in the order of the file, as soon as it can.
#[derive(Debug, Clone, Parser)]
#[command(name = "lab-pipeline", version, after_help = AFTER_HELP)]
pub struct Args {
    /// File of URLs, one per line, each http://HOST:PORT/PATH (blank lines and lines starting
    /// with '#' are skipped)
    #[arg(long, value_name = "FILE")]
    pub urls: PathBuf,

    /// How many URLs may be fetched at once (K)
    #[arg(long, value_name = "K", value_parser = at_least_one)]
    pub in_flight: usize,

    /// How many threads compute the summaries (N): the size of the CPU pool
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub cpu_workers: usize,

    /// Where to write the lines (created, or emptied first)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Time limit of each attempt to fetch a URL, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,

    /// How many attempts per URL at most (after a time-out, an I/O error or a 5xx status)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = at_least_one_u32)]
    pub attempts: u32,

    /// Pause before the second attempt, in milliseconds; each later pause is twice as long
    #[arg(long, value_name = "MS", default_value_t = 100)]
    pub backoff_ms: u64,

    /// Capacity of the channel from the fetch stage to the CPU stage [default: 2 × N]
    #[arg(long, value_name = "C", value_parser = at_least_one)]
    pub hand_over: Option<usize>,

    /// How many URLs may be between the start of their fetch and their line at once: the bound of
    /// the reorder buffer [default: 2 × (K + C + N)]
    #[arg(long, value_name = "W", value_parser = at_least_one)]
    pub window: Option<usize>,

    /// CPU cost of each summary: rounds of checksum over the body
    #[arg(long, value_name = "ROUNDS", default_value_t = 1000, value_parser = at_least_one_u32)]
    pub cost: u32,
}
// ANCHOR_END: args

impl Args {
    /// The pipeline's bounds and policy, from the options.
    pub fn config(&self) -> Config {
        let mut config = Config::new(self.in_flight, self.cpu_workers);
        if let Some(hand_over) = self.hand_over {
            config.hand_over = hand_over;
            config.window = 2 * (self.in_flight + hand_over + self.cpu_workers);
        }
        if let Some(window) = self.window {
            config.window = window;
        }
        config.policy = Policy {
            timeout: Duration::from_millis(self.timeout_ms),
            attempts: self.attempts,
            backoff: Duration::from_millis(self.backoff_ms),
        };
        config
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

fn at_least_one_u32(text: &str) -> Result<u32, String> {
    let n = at_least_one(text)?;
    u32::try_from(n).map_err(|_| format!("{text} is too large"))
}

/// The URLs of the file at `path`, in order: every line that is not blank and does not start
/// with `#`, trimmed. Fails, with a message that says what is wrong and where, if the file cannot
/// be read or a line is not a URL of the form `http://HOST:PORT/PATH`.
pub fn read_urls(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the URL file {}: {e}", path.display()))?;
    let mut urls = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if split_url(line).is_none() {
            return Err(format!(
                "{}:{}: not a URL of the form http://HOST:PORT/PATH: {line}",
                path.display(),
                number + 1
            ));
        }
        urls.push(line.to_owned());
    }
    Ok(urls)
}

/// A progress bar of `total` lines on stderr if stderr is a terminal, and a hidden one (which
/// draws nothing) otherwise: in a pipe, a file or a test.
pub fn progress_bar(total: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {pos}/{len} lines ({per_sec}, {eta} left)",
    )
    .expect("the template is valid")
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

// ANCHOR: main
/// The program: reads the URLs, runs the pipeline on them, writes the lines to `--out`, and
/// returns the exit status.
///
/// - **Bad input.** If [`read_urls`] fails, or the output file cannot be created, it prints
///   `lab-pipeline: ` and the reason (naming the file) to stderr and returns [`exit::CANNOT_RUN`],
///   before fetching anything.
/// - **The run.** [`crate::pipeline::run`] with [`crate::http::HttpClient`], the work
///   [`crate::outcome::work_for`] of [`crate::transform::summarise`] with `--cost` rounds, a
///   rayon pool of `--cpu-workers` threads, [`Args::config`], on a multi-threaded Tokio runtime,
///   writing to the output file through a buffer. It shows a [`progress_bar`] advanced once per
///   line.
/// - **Ctrl-C** cancels the run (see `run`): the handler is in place before the first request is
///   sent.
/// - **The end.** It prints the run's [`Report`](crate::line::Report) to stderr on a line of its
///   own, then returns [`exit::INTERRUPTED`] if the run was cancelled, [`exit::ITEMS_FAILED`] if
///   any line says `error`, [`exit::OK`] otherwise; [`exit::CANNOT_RUN`] (with a message) if
///   writing the output failed.
pub fn main(args: Args) -> ExitCode {
    todo!(
        "11.6: read, build the pool and the runtime, catch Ctrl-C, run, report — see the chapter, Exercise 11.6"
    )
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        let base = ["lab-pipeline", "--urls", "u.txt", "--out", "o.txt"];
        Args::try_parse_from(base.iter().chain(args))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn limits_of_zero_are_usage_errors() {
        let error = parse(&["--in-flight", "0", "--cpu-workers", "2"]).unwrap_err();
        assert_eq!(error.exit_code(), i32::from(exit::USAGE));
        assert!(error.to_string().contains("at least 1"), "{error}");
        assert!(parse(&["--in-flight", "2", "--cpu-workers", "two"]).is_err());
    }

    #[test]
    fn options_make_the_config() {
        let args = parse(&["--in-flight", "3", "--cpu-workers", "2", "--window", "9"]).unwrap();
        let config = args.config();
        assert_eq!(
            (config.in_flight, config.hand_over, config.window),
            (3, 4, 9)
        );
        assert_eq!(config.policy.timeout, Duration::from_secs(10));
    }

    #[test]
    fn help_explains_every_option_and_the_exit_status() {
        let help = Args::command().render_long_help().to_string();
        for needle in [
            "--urls",
            "--in-flight",
            "--cpu-workers",
            "--out",
            "--timeout-ms",
            "--attempts",
            "--window",
            "Exit status",
            "130",
        ] {
            assert!(
                help.contains(needle),
                "--help does not mention {needle}:\n{help}"
            );
        }
    }
}
