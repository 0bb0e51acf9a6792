//! Exercise 7.1: `fetch` and `fetch_sequential`, against the lab's server.

mod common;

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use common::{answer_one_at_a_time, finish, start_server};
use lab_async::fetch::{fetch, fetch_sequential};
use lab_async::http::FetchError;
use lab_async::server::body_for;
use lab_support::tokio::within_patience;

#[tokio::test]
async fn fetch_returns_the_body_of_the_resource() {
    let server = start_server(Duration::ZERO).await;

    let body = within_patience("fetch", fetch(server.addr(), "/reports/2024.csv")).await;

    assert_eq!(
        body,
        Ok(body_for("/reports/2024.csv")),
        "the body of the server's answer"
    );
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

    let result = within_patience(
        "fetch from a closed port (connecting fails at once)",
        fetch(addr, "/anything"),
    )
    .await;

    assert!(
        matches!(result, Err(FetchError::Io(_))),
        "expected Err(FetchError::Io(_)) for a refused connection, got {result:?}"
    );
}

#[tokio::test]
async fn fetch_sequential_sends_each_request_after_the_previous_answer() {
    let server = start_server(Duration::ZERO).await;
    let addr = server.addr();
    let mut client =
        tokio::spawn(
            async move { fetch_sequential(addr, &["/held/a", "/held/b", "/held/c"]).await },
        );

    // The requests are held: the test answers them one at a time, and each time checks that
    // the next request arrives only after the answer to the previous one.
    answer_one_at_a_time(&server, &mut client, 3, 1).await;

    let results = finish("fetch_sequential", client).await;
    assert_eq!(
        results,
        vec![
            Ok(body_for("/held/a")),
            Ok(body_for("/held/b")),
            Ok(body_for("/held/c")),
        ],
        "one result per path, in the order of the paths"
    );
}

#[tokio::test]
async fn fetch_sequential_keeps_each_error_in_its_place() {
    let server = start_server(Duration::from_millis(5)).await;
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
        "one result per path, in the order of the paths, the 404 in its place"
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

    assert!(results.is_empty(), "no paths must give no results");
    assert_eq!(server.stats().received, 0, "no paths must send no requests");
}
