//! A child process for the tests of Exercises 6.1–6.3 (given code): one small program that can
//! behave well or badly on demand, so the tests need nothing outside the lab.
//!
//! ```text
//! child ok                 exit with status 0 at once
//! child print TEXT         print TEXT and a newline on stdout, exit 0
//! child fail CODE TEXT     print TEXT on stderr, exit with status CODE
//! child abort              abort (on Unix: die of SIGABRT)
//! child cat                copy stdin to stdout until stdin ends
//! child noise BYTES        write BYTES bytes on stderr first, then copy stdin to stdout
//! child sleep MILLIS       sleep for MILLIS milliseconds, then exit 0
//! child hang               do nothing for a very long time
//! ```
//!
//! A hanging child stops by itself when its parent is gone (checked every 20 ms on Unix), and
//! after ten minutes in any case, so a test that fails to kill it does not leave it behind.

use std::io::{self, Write};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["ok"] => ExitCode::SUCCESS,
        ["print", text] => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        ["fail", code, text] => {
            eprintln!("{text}");
            ExitCode::from(code.parse::<u8>().unwrap_or(1))
        }
        ["abort"] => {
            eprintln!("child: aborting on purpose");
            std::process::abort()
        }
        ["cat"] => match io::copy(&mut io::stdin().lock(), &mut io::stdout().lock()) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("child cat: {error}");
                ExitCode::FAILURE
            }
        },
        ["noise", bytes] => {
            let noise = vec![b'~'; bytes.parse().unwrap_or(0)];
            let copied = io::stderr()
                .write_all(&noise)
                .and_then(|()| io::copy(&mut io::stdin().lock(), &mut io::stdout().lock()));
            match copied {
                Ok(_) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("child noise: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        ["sleep", millis] => {
            thread::sleep(Duration::from_millis(millis.parse().unwrap_or(0)));
            ExitCode::SUCCESS
        }
        ["hang"] => {
            hang();
            ExitCode::SUCCESS
        }
        _ => {
            let _ = writeln!(
                io::stderr(),
                "usage: child ok|print TEXT|fail CODE TEXT|abort|cat|noise BYTES|sleep MILLIS|hang"
            );
            ExitCode::from(2)
        }
    }
}

/// Sleeps until the parent process is gone, or for ten minutes at most.
fn hang() {
    let give_up = Instant::now() + Duration::from_secs(600);
    let parent = parent_id();
    while Instant::now() < give_up && parent_id() == parent {
        thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn parent_id() -> Option<u32> {
    Some(std::os::unix::process::parent_id())
}

#[cfg(not(unix))]
fn parent_id() -> Option<u32> {
    None
}
