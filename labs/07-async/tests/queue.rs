//! Exercise 7.7: `FetchQueue`, an async producer–consumer queue with backpressure and a
//! graceful shutdown.

mod common;

use std::pin::pin;
use std::time::Duration;

use common::{start_server, wait_for_stats};
use lab_async::http::FetchError;
use lab_async::queue::{FetchQueue, Fetched, SubmitError};
use lab_async::server::body_for;
use lab_support::tokio::within_patience;

fn fetched(path: &str) -> Fetched {
    Fetched {
        path: path.to_owned(),
        result: Ok(body_for(path)),
    }
}

#[tokio::test]
async fn shutdown_returns_every_result_in_submission_order() {
    let server = start_server(Duration::from_millis(5)).await;
    let queue = FetchQueue::start(server.addr(), 2);
    let paths = ["/one", "/two", "/missing/three", "/four", "/five", "/six"];

    // Six jobs through a queue of two: `submit` waits for room when it is full.
    for path in paths {
        within_patience("submit", queue.submit(path))
            .await
            .unwrap_or_else(|error| panic!("submit({path}) failed: {error}"));
    }
    let results = within_patience("shutdown", queue.shutdown()).await;

    let mut expected: Vec<_> = paths.iter().map(|p| fetched(p)).collect();
    expected[2].result = Err(FetchError::Status(404));
    assert_eq!(
        results, expected,
        "one result per job, in the order submitted, the 404 in its place"
    );
}

// ANCHOR: full
#[tokio::test]
async fn a_full_queue_refuses_more_work() {
    let server = start_server(Duration::ZERO).await;
    let queue = FetchQueue::start(server.addr(), 2);
    assert_eq!(queue.capacity(), 2, "the capacity given to start");

    // The worker takes the first job and waits on it: the server holds it.
    queue
        .try_submit("/held/1")
        .expect("an empty queue has room");
    wait_for_stats(&server, "the worker's first request in flight", |s| {
        s.in_flight == 1
    })
    .await;
    // Now the queue itself can take exactly two more.
    queue
        .try_submit("/held/2")
        .expect("the queue has room for 2");
    queue
        .try_submit("/held/3")
        .expect("the queue has room for 2");
    assert_eq!(
        queue.try_submit("/held/4"),
        Err(SubmitError::Full("/held/4".to_owned())),
        "with the worker busy and 2 jobs waiting, a queue of capacity 2 is full"
    );

    server.release_all();
    let results = within_patience("shutdown", queue.shutdown()).await;
    assert_eq!(
        results,
        vec![fetched("/held/1"), fetched("/held/2"), fetched("/held/3")],
        "the three jobs that were taken, in order; the refused one is not among them"
    );
}
// ANCHOR_END: full

#[tokio::test]
async fn submit_waits_for_room_in_a_full_queue() {
    let server = start_server(Duration::ZERO).await;
    let queue = FetchQueue::start(server.addr(), 2);
    queue
        .try_submit("/held/1")
        .expect("an empty queue has room");
    wait_for_stats(&server, "the worker's first request in flight", |s| {
        s.in_flight == 1
    })
    .await;
    for path in ["/held/2", "/held/3"] {
        within_patience("submit to a queue with room", queue.submit(path))
            .await
            .unwrap_or_else(|error| panic!("submit({path}) to a queue with room failed: {error}"));
    }

    // The worker is busy and two jobs wait: a third must wait for room...
    let mut fourth = Box::pin(queue.submit("/held/4"));
    let early = tokio::time::timeout(Duration::ZERO, fourth.as_mut()).await;
    assert!(
        early.is_err(),
        "submit returned {early:?} while the queue was full: it must wait for room (that is the \
         backpressure)"
    );
    // ...until the worker takes the next job.
    server.release_all();
    within_patience("submit, once the worker has made room", fourth)
        .await
        .unwrap_or_else(|error| panic!("submit(/held/4) failed once there was room: {error}"));

    let results = within_patience("shutdown", queue.shutdown()).await;
    assert_eq!(
        results,
        vec![
            fetched("/held/1"),
            fetched("/held/2"),
            fetched("/held/3"),
            fetched("/held/4")
        ],
        "every job submitted, in order"
    );
}

#[tokio::test]
async fn shutdown_finishes_the_queued_jobs_before_returning() {
    let server = start_server(Duration::ZERO).await;
    let queue = FetchQueue::start(server.addr(), 4);
    queue.try_submit("/held/1").expect("room in the queue");
    queue.try_submit("/held/2").expect("room in the queue");
    queue.try_submit("/held/3").expect("room in the queue");
    wait_for_stats(&server, "the worker's first request in flight", |s| {
        s.in_flight == 1
    })
    .await;

    // Start the shutdown while the first job is in flight and two are queued...
    let mut shutdown = pin!(queue.shutdown());
    let early = tokio::time::timeout(Duration::ZERO, shutdown.as_mut()).await;
    assert!(
        early.is_err(),
        "shutdown returned while a job was still in flight at the server"
    );
    // ...and only then let the server answer.
    server.release_all();

    let results = within_patience("shutdown", shutdown).await;
    assert_eq!(
        results,
        vec![fetched("/held/1"), fetched("/held/2"), fetched("/held/3")],
        "shutdown must let the worker finish every job submitted before it"
    );
}

#[tokio::test]
async fn a_queue_with_no_jobs_shuts_down_at_once_and_one_of_no_room_is_refused() {
    let server = start_server(Duration::ZERO).await;
    let queue = FetchQueue::start(server.addr(), 1);

    let results = within_patience("shutdown", queue.shutdown()).await;

    assert!(results.is_empty(), "no jobs must give no results");
    assert_eq!(server.stats().received, 0, "no jobs must send no requests");
    let addr = server.addr();
    let outcome = std::panic::catch_unwind(move || FetchQueue::start(addr, 0));
    assert!(
        outcome.is_err(),
        "FetchQueue::start with a capacity of 0 must panic, as its documentation says"
    );
}
