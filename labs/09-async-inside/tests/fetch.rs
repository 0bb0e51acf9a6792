//! Exercise 9.5: `fetch` and `fetch_all` on your executor, against the std line server.

mod common;

use std::io;
use std::net::{Ipv4Addr, TcpListener};

use common::{PATIENCE, within_patience};
use lab_async_inside::executor::Executor;
use lab_async_inside::fetch::{fetch, fetch_all};
use lab_async_inside::line_server::LineServer;

fn start_server() -> LineServer {
    LineServer::start().unwrap_or_else(|error| panic!("could not start the line server: {error}"))
}

/// The results as plain values, so that they compare (an `io::Error` does not).
fn plain(results: Vec<io::Result<String>>) -> Vec<Result<String, io::ErrorKind>> {
    results
        .into_iter()
        .map(|r| r.map_err(|e| e.kind()))
        .collect()
}

#[test]
fn fetch_returns_the_servers_answer() {
    let server = start_server();
    let addr = server.addr();
    let executor = Executor::new();

    let answer = within_patience("fetch on your executor", move || {
        executor.block_on(fetch(addr, "hello, server".to_owned()))
    });

    assert_eq!(answer.ok().as_deref(), Some("hello, server"));
    assert_eq!(server.stats().received, 1, "one fetch, one request");
}

#[test]
fn fetch_from_a_closed_port_is_an_error_not_a_panic() {
    // Take a free port, then free it again: nothing listens there any more.
    let addr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free local port");
    let executor = Executor::new();

    let answer = within_patience("fetch from a closed port", move || {
        executor.block_on(fetch(addr, "anyone?".to_owned()))
    });

    assert!(answer.is_err(), "expected an error, got {answer:?}");
}

// ANCHOR: in_flight
#[test]
fn fetch_all_has_every_request_in_flight_at_once() {
    let server = start_server();
    let addr = server.addr();
    let lines: Vec<String> = (0..5).map(|i| format!("hold {i}")).collect();
    let executor = Executor::new();
    let client = std::thread::spawn({
        let lines = lines.clone();
        move || executor.block_on(fetch_all(executor.clone(), addr, lines))
    });

    // Held lines are answered only after `release`: the five can only all be in flight at the
    // server if fetch_all sent each without waiting for an earlier answer.
    let seen = server.wait_for(PATIENCE, |s| s.in_flight == 5);
    assert!(
        seen.is_ok(),
        "the server never had the 5 requests in flight at once (its counters: {:?}): \
         fetch_all must spawn every task before awaiting any",
        seen.unwrap_err()
    );
    server.release();
    let results = within_patience("fetch_all, after the release", move || {
        client.join().expect("fetch_all panicked")
    });

    let expected: Vec<_> = lines.iter().map(|l| Ok(l.clone())).collect();
    assert_eq!(
        plain(results),
        expected,
        "one answer per line, in the order of the lines"
    );
}
// ANCHOR_END: in_flight

#[test]
fn fetch_all_returns_the_answers_in_the_order_of_the_lines() {
    let server = start_server();
    let addr = server.addr();
    let lines: Vec<String> = (0..20).map(|i| format!("line {i}")).collect();
    let executor = Executor::new();

    let results = within_patience("fetch_all of 20 lines", {
        let lines = lines.clone();
        move || executor.block_on(fetch_all(executor.clone(), addr, lines))
    });

    let expected: Vec<_> = lines.iter().map(|l| Ok(l.clone())).collect();
    assert_eq!(plain(results), expected);
    assert_eq!(server.stats().received, 20);
}

#[test]
fn fetch_all_of_no_lines_sends_nothing() {
    let server = start_server();
    let addr = server.addr();
    let executor = Executor::new();

    let results = within_patience("fetch_all of no lines", move || {
        executor.block_on(fetch_all(executor.clone(), addr, Vec::new()))
    });

    assert!(results.is_empty());
    assert_eq!(server.stats().received, 0);
}
