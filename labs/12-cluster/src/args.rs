//! Exercise 12.4: one program, many processes — the command line of `wordcount`.

use std::path::PathBuf;
use std::time::Duration;

/// How to run `wordcount`; printed with every error about its arguments.
pub const USAGE: &str = "\
usage: wordcount [-w THREADS] [-n PROCESSES -p INDEX [-h HOSTFILE]] [--combine] FILE
       wordcount [-w THREADS] [-n PROCESSES -p INDEX [-h HOSTFILE]] --stream [--timeout SECS]

  -w, --threads THREADS    worker threads in this process (default 1)
  -n, --processes N        processes in the computation (default 1)
  -p, --process INDEX      this process's index, from 0 to N - 1 (default 0)
  -h, --hostfile FILE      one host:port line per process, in order of index
  --combine                combine each split's words before the exchange
  --stream                 count stdin epoch by epoch; a line `.` ends an epoch
  --timeout SECS           with --stream: give up after SECS without progress";

// ANCHOR: args
/// What `wordcount` was asked to do.
#[derive(Debug)]
pub struct Args {
    /// How many workers, in how many processes, and which process this is.
    pub config: timely::Config,
    /// What to count.
    pub mode: Mode,
}

/// What to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Count the words of a file once, and print the counts this process's workers own.
    Count {
        /// The file.
        input: PathBuf,
        /// Whether to combine each split's words before the exchange (`--combine`).
        combine: bool,
    },
    /// Count the lines of stdin epoch by epoch (`--stream`).
    Stream {
        /// Give up when an epoch makes no progress for this long (`--timeout SECS`).
        timeout: Option<Duration>,
    },
}
// ANCHOR_END: args

impl Args {
    // ANCHOR: parse
    /// Reads the command line `args`, as [`std::env::args`] gives it: the program's name first
    /// (it is ignored), then options and arguments in any order.
    ///
    /// - Timely's options, which it reads itself ([`timely::Config::install_options`] and
    ///   [`timely::Config::from_matches`]): `-w`/`--threads THREADS` worker threads per process
    ///   (default 1), `-n`/`--processes N` processes (default 1), `-p`/`--process INDEX` this
    ///   process's index (default 0), `-h`/`--hostfile FILE` a file of `host:port` lines, one
    ///   per process in order of index (without it, timely uses `localhost:2101`, `2102`, …).
    ///   They become [`Args::config`]: with `-n` above 1 a cluster of `N` processes of which
    ///   this is process `INDEX`, with the first `N` addresses of the host file.
    /// - `--stream`: [`Mode::Stream`], with `--timeout SECS` (whole or decimal seconds, above
    ///   0) as its timeout, `None` without it. No other argument is allowed.
    /// - Otherwise [`Mode::Count`] of the one argument that is not an option, the file; with
    ///   `--combine`, `combine` is true.
    ///
    /// `--combine` matters only when counting a file, `--timeout` only with `--stream`; each is
    /// ignored otherwise.
    ///
    /// # Errors
    ///
    /// A message, if an option is unknown or lacks its value, a value is not a number (or the
    /// timeout is not above 0), `THREADS` or `N` is 0, `INDEX` is not below `N`, the host file cannot be read or has
    /// fewer than `N` lines, or there is not exactly one file to count (none with `--stream`).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        todo!(
            "12.4: timely's options, the lab's own, and the file — see the chapter, Exercise 12.4"
        )
    }
    // ANCHOR_END: parse
}
