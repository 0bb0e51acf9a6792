//! Exercise 7.1: `fetch` and `fetch_sequential`, against the lab's server.

mod common;

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use common::{PATIENCE, start_server, within_patience};
use lab_async::fetch::{fetch, fetch_sequential};
use lab_async::http::FetchError;
use lab_async::server::body_for;

#[tokio::test]
async fn fetch_returns_the_body_of_the_resource() {
    let server = start_server(Duration::ZERO).await;

    let body = within_patience("fetch", fetch(server.addr(), "/reports/2024.csv")).await;

    assert_eq!(body, Ok(body_for("/reports/2024.csv")));
    let stats = server.stats();
    assert_eq!(
        (stats.received, stats.served),
        (1, 1),
        "one fetch is one request, answered in full"
    );
}

#[tokio::test]
async fn fetch_reports_a_status_other_than_200_as_an_error() {
    let server = start_server(Duration::ZERO).await;

    let body = within_patience("fetch", fetch(server.addr(), "/missing/page")).await;

    assert_eq!(
        body,
        Err(FetchError::Status(404)),
        "the server answered 404 Not Found; fetch must say so, not return the error page"
    );
}

#[tokio::test]
async fn fetch_from_a_closed_port_is_an_io_error_not_a_panic() {
    // Take a free port, then free it again: nothing listens there any more.
    let addr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free local port");

    let result = tokio::time::timeout(PATIENCE, fetch(addr, "/anything"))
        .await
        .expect("connecting to a closed port fails at once");

    assert!(
        matches!(result, Err(FetchError::Io(_))),
        "expected Err(FetchError::Io(_)) for a refused connection, got {result:?}"
    );
}

#[tokio::test]
async fn fetch_sequential_sends_each_request_after_the_previous_answer() {
    let server = start_server(Duration::from_millis(20)).await;
    let paths = ["/a", "/b", "/missing/c", "/d"];

    let results =
        within_patience("fetch_sequential", fetch_sequential(server.addr(), &paths)).await;

    assert_eq!(
        results,
        vec![
            Ok(body_for("/a")),
            Ok(body_for("/b")),
            Err(FetchError::Status(404)),
            Ok(body_for("/d")),
        ],
        "one result per path, in the order of the paths"
    );
    let stats = server.stats();
    assert_eq!(stats.received, 4, "one request per path");
    assert_eq!(
        stats.max_in_flight, 1,
        "sequential means one request at a time, but the server saw {} at once",
        stats.max_in_flight
    );
}

#[tokio::test]
async fn fetch_sequential_of_no_paths_sends_nothing() {
    let server = start_server(Duration::ZERO).await;

    let results = within_patience("fetch_sequential", fetch_sequential(server.addr(), &[])).await;

    assert!(results.is_empty());
    assert_eq!(server.stats().received, 0);
}
