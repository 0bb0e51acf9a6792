//! Exercise 7.3: `fetch_bounded`. The server counts the requests in flight; the tests read its
//! counters, never a clock.

mod common;

use std::time::Duration;

use common::{as_strs, paths, start_server, wait_for_stats_while, within_patience};
use lab_async::bounded::fetch_bounded;
use lab_async::server::body_for;

#[tokio::test]
async fn fetch_bounded_keeps_limit_requests_in_flight() {
    let server = start_server(Duration::ZERO).await;
    let paths = paths("held", 8);
    let addr = server.addr();
    let mut client = {
        let paths = paths.clone();
        tokio::spawn(async move { fetch_bounded(addr, &as_strs(&paths), 3).await })
    };

    // Nothing is answered until 3 requests are in flight together.
    wait_for_stats_while(
        &server,
        &mut client,
        "3 requests in flight at the same time (the limit)",
        |s| s.in_flight >= 3,
    )
    .await;
    server.release_all();

    let results = within_patience("fetch_bounded", client)
        .await
        .expect("fetch_bounded panicked");
    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results, expected,
        "one result per path, in the order of the paths"
    );
    let stats = server.stats();
    assert!(
        stats.max_in_flight <= 3,
        "the limit is 3, but the server saw {} requests in flight at once",
        stats.max_in_flight
    );
}

// ANCHOR: never_more
#[tokio::test]
async fn fetch_bounded_never_has_more_than_limit_requests_in_flight() {
    // Real latency: each request stays in flight for 30 ms, long enough for an unbounded client
    // to send all of them before the first is answered.
    let server = start_server(Duration::from_millis(30)).await;
    let paths = paths("item", 12);

    let results = within_patience(
        "fetch_bounded",
        fetch_bounded(server.addr(), &as_strs(&paths), 4),
    )
    .await;

    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results, expected,
        "one result per path, in the order of the paths"
    );
    let stats = server.stats();
    assert_eq!(stats.received, 12, "one request per path");
    assert!(
        stats.max_in_flight <= 4,
        "the limit is 4, but the server saw {} requests in flight at once: is each permit held \
         until its request has been answered?",
        stats.max_in_flight
    );
}
// ANCHOR_END: never_more

#[tokio::test]
async fn fetch_bounded_with_limit_one_is_sequential() {
    let server = start_server(Duration::from_millis(10)).await;
    let paths = paths("item", 4);

    let results = within_patience(
        "fetch_bounded",
        fetch_bounded(server.addr(), &as_strs(&paths), 1),
    )
    .await;

    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(results, expected);
    assert_eq!(
        server.stats().max_in_flight,
        1,
        "with a limit of 1, requests must go one at a time"
    );
}

#[tokio::test]
#[should_panic(expected = "limit")]
async fn fetch_bounded_refuses_a_limit_of_zero() {
    let server = start_server(Duration::ZERO).await;
    // A semaphore with no permits would wait forever: the contract says to panic instead.
    let _ = within_patience(
        "fetch_bounded(addr, paths, 0)",
        fetch_bounded(server.addr(), &["/a"], 0),
    )
    .await;
}
