//! Exercise 11.6: the program, end to end. Each test starts the lab's real server, writes a URL
//! file, runs `lab-pipeline` on it and reads its output file, exit status and stderr. A program
//! that does not finish in time is killed and reaped (`kill_on_drop`) before the test fails.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use common::{expected_line, ok_line, paths, wait_for_stats};
use lab_pipeline::http::FetchError;
use lab_pipeline::item::{ItemError, Outcome};
use lab_pipeline::line::cancelled_marker;
use lab_pipeline::routes::{body_for, path_of};
use lab_pipeline::server::Server;
use lab_pipeline::transform::{TransformError, summarise};
use lab_support::tokio::within_patience;
use tokio::process::{Child, Command};

/// A fresh folder for one test's files, under the target directory, named for the test and
/// this process (the same test may run in several processes at once).
fn scratch(test: &str) -> PathBuf {
    let name = format!("pipeline-{test}-{}", std::process::id());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Removes a test's folder once the test has passed (a failing test leaves it to look at).
fn clean(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// The program with `args`, its output piped, killed if the test drops it.
fn program(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab-pipeline"));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

fn spawn(args: &[&str]) -> Child {
    program(args).spawn().expect("the program starts")
}

/// Waits (bounded) for the program to exit and returns what it printed and its status.
async fn finish(child: Child) -> Output {
    within_patience("the program", child.wait_with_output())
        .await
        .expect("waiting for the program")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `urls` to `dir/urls.txt`, with a comment and a blank line to skip.
fn url_file(dir: &Path, urls: &[String]) -> PathBuf {
    let path = dir.join("urls.txt");
    let text = format!("# the URLs of this test\n\n{}\n", urls.join("\n"));
    std::fs::write(&path, text).expect("the URL file is written");
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn assert_no_progress_bar(err: &str) {
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "stderr is not a terminal here, so no progress bar may be drawn on it; it has:\n{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_writes_a_line_per_url_in_order_and_exits_0() {
    let dir = scratch("all-good");
    let server = Server::start(Duration::from_millis(1))
        .await
        .expect("the lab's server starts");
    let urls: Vec<String> = paths("item", 200).iter().map(|p| server.url(p)).collect();
    let (list, out) = (url_file(&dir, &urls), dir.join("out.txt"));

    let output = finish(spawn(&[
        "--urls",
        arg(&list),
        "--in-flight",
        "8",
        "--cpu-workers",
        "2",
        "--out",
        arg(&out),
        "--cost",
        "1",
    ]))
    .await;

    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "every URL succeeds: exit status 0; stderr:\n{err}"
    );
    let expected: String = urls
        .iter()
        .enumerate()
        .map(|(index, url)| ok_line(index, url))
        .collect();
    let written = std::fs::read_to_string(&out).expect("the output file exists");
    assert!(
        written == expected,
        "the output file must hold one line per URL, in the order of the URL file (the first \
         differing line is {:?})",
        written.lines().zip(expected.lines()).find(|(a, b)| a != b)
    );
    assert!(
        err.contains("200 URLs: 200 ok, 0 failed"),
        "the summary on stderr must be the run's report; stderr:\n{err}"
    );
    assert_no_progress_bar(&err);
    let stats = server.stats();
    assert!(
        stats.max_in_flight <= 8,
        "--in-flight 8, but the server saw {} requests at once",
        stats.max_in_flight
    );
    clean(&dir);
}

/// The outcome of `url` in the failing run: a 404, a body that is not text, or a summary.
fn failing_run_outcome(url: &str) -> Outcome {
    let path = path_of(url);
    if path.starts_with("/status/404/") {
        Err(ItemError::Fetch(FetchError::Status(404)))
    } else if path.starts_with("/binary/") {
        Err(ItemError::Transform(TransformError::NotText))
    } else {
        Ok(summarise(body_for(path).as_bytes(), 1).expect("text"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_exits_3_with_a_summary_when_urls_fail() {
    let dir = scratch("some-fail");
    let server = Server::start(Duration::from_millis(1))
        .await
        .expect("the lab's server starts");
    let urls: Vec<String> = (0..200)
        .map(|i| match i {
            i if i % 10 == 3 => server.url(&format!("/status/404/{i}")),
            i if i % 25 == 7 => server.url(&format!("/binary/{i}")),
            i => server.url(&format!("/item/{i}")),
        })
        .collect();
    let (list, out) = (url_file(&dir, &urls), dir.join("out.txt"));

    let output = finish(spawn(&[
        "--urls",
        arg(&list),
        "--in-flight",
        "6",
        "--cpu-workers",
        "2",
        "--out",
        arg(&out),
        "--cost",
        "1",
    ]))
    .await;

    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(3),
        "some URLs failed: exit status 3 (documented in --help); stderr:\n{err}"
    );
    let expected: String = urls
        .iter()
        .enumerate()
        .map(|(index, url)| expected_line(index, url, failing_run_outcome(url)))
        .collect();
    let written = std::fs::read_to_string(&out).expect("the output file exists");
    assert!(
        written == expected,
        "one line per URL, in order, each with its outcome (the first differing line is {:?})",
        written.lines().zip(expected.lines()).find(|(a, b)| a != b)
    );
    assert!(
        err.contains("200 URLs: 172 ok, 28 failed (20 status, 8 transform)"),
        "stderr must end with the run's report; it is:\n{err}"
    );
    assert_no_progress_bar(&err);
    clean(&dir);
}

// ANCHOR: ctrl_c
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_the_program_cleanly() {
    let dir = scratch("ctrl-c");
    let server = Server::start(Duration::ZERO)
        .await
        .expect("the lab's server starts");
    let mut paths = paths("held", 50);
    for (i, path) in paths.iter_mut().enumerate().take(5) {
        *path = format!("/item/{i}");
    }
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let (list, out) = (url_file(&dir, &urls), dir.join("out.txt"));
    let child = spawn(&[
        "--urls",
        arg(&list),
        "--in-flight",
        "4",
        "--cpu-workers",
        "2",
        "--out",
        arg(&out),
        "--cost",
        "1",
    ]);
    // Items 0 to 4 are fetched, and 4 held ones wait at the server.
    wait_for_stats(server.watch_stats(), "4 held requests in flight", |s| {
        s.in_flight == 4 && s.served == 5
    })
    .await;

    // SIGINT, what Ctrl-C sends, through the system's `kill` (the test needs no `unsafe`).
    let pid = child
        .id()
        .expect("the program is still running")
        .to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("the system's kill command runs");
    assert!(sent.success(), "kill -INT {pid} failed: {sent}");
    let output = finish(child).await;

    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(130),
        "interrupted by Ctrl-C: exit status 130 (and not killed by the signal); stderr:\n{err}"
    );
    wait_for_stats(
        server.watch_stats(),
        "no request in flight after Ctrl-C",
        |s| s.in_flight == 0,
    )
    .await;
    let written = std::fs::read_to_string(&out).expect("the output file exists");
    let lines: Vec<&str> = written.lines().collect();
    let (marker, prefix) = lines.split_last().expect("at least the marker");
    assert_eq!(
        *marker,
        cancelled_marker(prefix.len(), 50),
        "the output must end with the cancelled marker; it is:\n{written}"
    );
    assert!(prefix.len() <= 5, "only items 0 to 4 were fetched");
    for (index, line) in prefix.iter().enumerate() {
        assert_eq!(
            format!("{line}\n"),
            ok_line(index, &urls[index]),
            "a complete prefix, in order; the output is:\n{written}"
        );
    }
    assert!(
        err.contains(&format!("cancelled after {} lines", prefix.len())),
        "the report on stderr says the run was cancelled; stderr:\n{err}"
    );
    clean(&dir);
}
// ANCHOR_END: ctrl_c

#[tokio::test]
async fn the_program_explains_bad_input_and_exits_1() {
    let dir = scratch("bad-input");
    let out = dir.join("out.txt");
    let run = |list: PathBuf, out: PathBuf| async move {
        finish(spawn(&[
            "--urls",
            arg(&list),
            "--in-flight",
            "2",
            "--cpu-workers",
            "1",
            "--out",
            arg(&out),
        ]))
        .await
    };

    let missing = dir.join("no-such-file.txt");
    let output = run(missing.clone(), out.clone()).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{err}");
    assert!(
        err.contains(arg(&missing)),
        "the message must name the URL file that cannot be read; stderr:\n{err}"
    );
    assert!(
        !out.exists(),
        "nothing may be written when the URLs cannot be read"
    );

    let list = dir.join("bad.txt");
    std::fs::write(&list, "http://127.0.0.1:9/a\n\nftp://example/b\n").expect("written");
    let output = run(list.clone(), out.clone()).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{err}");
    assert!(
        err.contains(&format!("{}:3:", list.display())),
        "the message must say which line of the URL file is not a URL (line 3); \
         stderr:\n{err}"
    );

    let list = url_file(&dir, &["http://127.0.0.1:9/a".to_owned()]);
    let unwritable = dir.join("no-such-folder").join("out.txt");
    let output = run(list, unwritable.clone()).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{err}");
    assert!(
        err.contains(arg(&unwritable)),
        "the message must name the output file that cannot be created; stderr:\n{err}"
    );
    clean(&dir);
}
