//! Exercise 7.2: `fetch_all`. Held requests (paths under `/held/`) are answered only when the
//! test releases them, so the tests know, without a clock, what is in flight.

mod common;

use std::time::Duration;

use common::{as_strs, finish, paths, start_server, wait_for_stats_while};
use lab_async::concurrent::fetch_all;
use lab_async::http::FetchError;
use lab_async::server::body_for;
use lab_support::tokio::within_patience;

// ANCHOR: in_flight
#[tokio::test]
async fn fetch_all_has_every_request_in_flight_at_once() {
    let server = start_server(Duration::ZERO).await;
    let paths = paths("held", 5);
    let addr = server.addr();
    let mut client = {
        let paths = paths.clone();
        tokio::spawn(async move { fetch_all(addr, &as_strs(&paths)).await })
    };

    // No request is answered until all five have reached the server.
    wait_for_stats_while(
        &server,
        &mut client,
        "all 5 requests in flight at the same time",
        |s| s.in_flight == 5,
    )
    .await;
    server.release_all();

    let results = finish("fetch_all", client).await;
    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results, expected,
        "one body per path, in the order of the paths"
    );
}
// ANCHOR_END: in_flight

#[tokio::test]
async fn fetch_all_returns_results_in_input_order_not_completion_order() {
    let server = start_server(Duration::ZERO).await;
    let paths = paths("held", 3);
    let addr = server.addr();
    let mut client = {
        let paths = paths.clone();
        tokio::spawn(async move { fetch_all(addr, &as_strs(&paths)).await })
    };
    wait_for_stats_while(
        &server,
        &mut client,
        "all 3 requests in flight at the same time",
        |s| s.in_flight == 3,
    )
    .await;

    // Answer them last to first.
    for (answered, path) in paths.iter().rev().enumerate() {
        server.release(path);
        wait_for_stats_while(&server, &mut client, &format!("{path} answered"), |s| {
            s.served == answered + 1
        })
        .await;
    }

    let results = finish("fetch_all", client).await;
    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results, expected,
        "the answers came last to first, but the results must be in the order of the paths"
    );
}

#[tokio::test]
async fn fetch_all_keeps_each_error_in_its_place() {
    let server = start_server(Duration::from_millis(10)).await;

    let results = within_patience(
        "fetch_all",
        fetch_all(server.addr(), &["/first", "/missing/second", "/third"]),
    )
    .await;

    assert_eq!(
        results,
        vec![
            Ok(body_for("/first")),
            Err(FetchError::Status(404)),
            Ok(body_for("/third")),
        ],
        "the 404 of the second path is its result, in its place; the others succeed"
    );
}

#[tokio::test]
async fn fetch_all_of_no_paths_sends_nothing() {
    let server = start_server(Duration::ZERO).await;

    let results = within_patience("fetch_all", fetch_all(server.addr(), &[])).await;

    assert!(results.is_empty(), "no paths must give no results");
    assert_eq!(server.stats().received, 0, "no paths must send no requests");
}
