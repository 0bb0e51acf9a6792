//! Exercise 7.3: `fetch_bounded`. The server counts the requests in flight; the tests read its
//! counters, never a clock.

mod common;

use std::time::Duration;

use common::{answer_one_at_a_time, as_strs, finish, paths, start_server};
use lab_async::bounded::fetch_bounded;
use lab_async::server::body_for;
use lab_support::tokio::within_patience;

/// Runs `fetch_bounded` on `count` held paths with `limit`, answering the requests one at a time
/// and checking after each answer that exactly the right number are in flight.
async fn check_the_limit(count: usize, limit: usize) {
    let server = start_server(Duration::ZERO).await;
    let paths = paths("held", count);
    let addr = server.addr();
    let mut client = {
        let paths = paths.clone();
        tokio::spawn(async move { fetch_bounded(addr, &as_strs(&paths), limit).await })
    };

    answer_one_at_a_time(&server, &mut client, count, limit).await;

    let results = finish("fetch_bounded", client).await;
    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results, expected,
        "one result per path, in the order of the paths"
    );
    let stats = server.stats();
    assert!(
        stats.max_in_flight <= limit,
        "the limit is {limit}, but the server saw {} requests in flight at once",
        stats.max_in_flight
    );
}

#[tokio::test]
async fn fetch_bounded_keeps_limit_requests_in_flight() {
    // 8 requests, at most 3 at a time: 3 in flight until only 2, then 1, are left.
    check_the_limit(8, 3).await;
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
async fn fetch_bounded_with_limit_one_is_sequential_and_zero_panics() {
    check_the_limit(4, 1).await;

    let server = start_server(Duration::ZERO).await;
    let addr = server.addr();
    // A semaphore with no permits would wait forever: the contract says to panic instead.
    let outcome = within_patience(
        "fetch_bounded(addr, paths, 0), which must panic at once",
        tokio::spawn(async move { fetch_bounded(addr, &["/a"], 0).await }),
    )
    .await;
    match outcome {
        Err(error) if error.is_panic() => {}
        other => panic!("fetch_bounded with a limit of 0 must panic, but it returned {other:?}"),
    }
}
