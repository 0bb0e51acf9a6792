//! Exercise 11.1: `fetch_with_retry` and `fetch_stage`.
//!
//! The retry tests run on paused time with the simulated server, so every duration is exact: a
//! pause that does not advance Tokio's clock (a `std::thread::sleep`) shows up as a wrong
//! duration. The bounds of the fetch stage are checked on paused time too, after [`settle`]; one
//! test checks them against the real server.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{config, on_paused_time, paths, settle, wait_for_stats};
use lab_pipeline::config::Policy;
use lab_pipeline::fetch::{fetch_stage, fetch_with_retry};
use lab_pipeline::http::{FetchError, HttpClient};
use lab_pipeline::item::Fetched;
use lab_pipeline::server::Server;
use lab_pipeline::sim::{SimServer, body_for};
use lab_support::tokio::within_patience;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn policy(timeout: Duration, attempts: u32, backoff: Duration) -> Policy {
    Policy {
        timeout,
        attempts,
        backoff,
    }
}

#[tokio::test(start_paused = true)]
async fn fetch_with_retry_returns_the_body_of_a_url_that_answers() {
    let sim = SimServer::new(ms(10));
    let start = Instant::now();

    let body = within_patience(
        "fetch_with_retry",
        fetch_with_retry(&sim, &sim.url("/item/1"), &policy(ms(1000), 3, ms(100))),
    )
    .await;

    assert_eq!(body, Ok(body_for("/item/1").into_bytes()));
    assert_eq!(sim.requests_for("/item/1"), 1, "one attempt is enough");
    assert_eq!(
        start.elapsed(),
        ms(10),
        "one request of 10 ms, and no pause"
    );
}

#[tokio::test(start_paused = true)]
async fn each_attempt_has_its_own_time_limit_and_a_late_one_is_abandoned() {
    let sim = SimServer::new(ms(10));
    let start = Instant::now();

    // A held path never answers: every attempt runs into its 1 s limit.
    let body = within_patience(
        "fetch_with_retry",
        fetch_with_retry(&sim, &sim.url("/held/x"), &policy(ms(1000), 3, ms(100))),
    )
    .await;

    assert_eq!(body, Err(FetchError::TimedOut));
    assert_eq!(sim.requests_for("/held/x"), 3, "three attempts");
    assert_eq!(
        start.elapsed(),
        ms(1000 + 100 + 1000 + 200 + 1000),
        "three attempts of 1 s each (the limit is per attempt, not for all of them), a pause of \
         100 ms and then 200 ms between them (doubling), none after the last"
    );
    let stats = sim.stats();
    assert_eq!(
        (stats.cancelled, stats.in_flight),
        (3, 0),
        "each attempt that ran out of time must be abandoned (its future dropped), not left \
         running: the server's counters are {stats:?}"
    );
}

// ANCHOR: retry_test
#[tokio::test(start_paused = true)]
async fn a_transient_error_is_retried_after_a_doubling_pause_that_does_not_block() {
    let sim = SimServer::new(ms(10));
    // A heartbeat task: it can only count if the runtime gets to run it.
    let beats = Arc::new(AtomicUsize::new(0));
    let heartbeat = tokio::spawn({
        let beats = Arc::clone(&beats);
        async move {
            loop {
                sleep(ms(10)).await;
                beats.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let start = Instant::now();

    // `/flaky/2/…` answers 503 twice, then 200.
    let body = within_patience(
        "fetch_with_retry",
        fetch_with_retry(&sim, &sim.url("/flaky/2/x"), &policy(ms(1000), 5, ms(100))),
    )
    .await;

    heartbeat.abort();
    assert_eq!(body, Ok(body_for("/flaky/2/x").into_bytes()));
    assert_eq!(
        sim.requests_for("/flaky/2/x"),
        3,
        "503 is transient: retried until the third attempt succeeds, and not once more"
    );
    assert_eq!(
        start.elapsed(),
        ms(10 + 100 + 10 + 200 + 10),
        "three requests of 10 ms with pauses of 100 ms and 200 ms between them, on Tokio's \
         clock: a pause that does not advance Tokio's clock is not tokio::time::sleep"
    );
    assert!(
        beats.load(Ordering::SeqCst) >= 30,
        "the heartbeat task beat only {} times in 330 ms: the pauses must let other tasks run \
         (a pause that blocks the thread stops every task on it)",
        beats.load(Ordering::SeqCst)
    );
}
// ANCHOR_END: retry_test

#[tokio::test(start_paused = true)]
async fn a_permanent_error_is_returned_without_another_attempt() {
    let sim = SimServer::new(ms(10));
    let start = Instant::now();

    let body = within_patience(
        "fetch_with_retry",
        fetch_with_retry(
            &sim,
            &sim.url("/status/404/x"),
            &policy(ms(1000), 3, ms(100)),
        ),
    )
    .await;

    assert_eq!(body, Err(FetchError::Status(404)));
    assert_eq!(
        sim.requests_for("/status/404/x"),
        1,
        "404 is not transient (FetchError::is_transient): asking again gives the same answer"
    );
    assert_eq!(start.elapsed(), ms(10), "no pause after a permanent error");
}

#[tokio::test(start_paused = true)]
async fn the_last_error_comes_back_when_every_attempt_fails() {
    let sim = SimServer::new(ms(10));
    let start = Instant::now();

    let body = within_patience(
        "fetch_with_retry",
        fetch_with_retry(
            &sim,
            &sim.url("/status/500/x"),
            &policy(ms(1000), 3, ms(50)),
        ),
    )
    .await;

    assert_eq!(body, Err(FetchError::Status(500)));
    assert_eq!(
        sim.requests_for("/status/500/x"),
        3,
        "exactly `attempts` attempts"
    );
    assert_eq!(
        start.elapsed(),
        ms(10 + 50 + 10 + 100 + 10),
        "pauses of 50 ms and 100 ms between the attempts, none after the last"
    );
}

/// Receives every item the fetch stage hands over until it closes the channel.
async fn receive_all(from_fetch: &mut mpsc::Receiver<Fetched>) -> Vec<Fetched> {
    let mut items = Vec::new();
    while let Some(item) = from_fetch.recv().await {
        items.push(item);
    }
    items.sort_by_key(|item| item.index);
    items
}

#[test]
fn the_fetch_stage_has_k_fetches_in_flight_and_no_more() {
    on_paused_time("the fetch stage with 12 held URLs and K = 3", || async {
        let sim = SimServer::new(ms(1));
        let urls: Vec<String> = paths("held", 12).iter().map(|p| sim.url(p)).collect();
        let (to_cpu, mut from_fetch) = mpsc::channel(100);
        let stage = tokio::spawn(fetch_stage(
            Arc::new(sim.clone()),
            urls.clone(),
            config(3, 100, 100),
            Arc::new(Semaphore::new(100)),
            to_cpu,
            CancellationToken::new(),
        ));

        settle().await;
        let stats = sim.stats();
        assert!(
            stats.in_flight <= 3,
            "K is 3, but {} requests were in flight at once",
            stats.in_flight
        );
        assert_eq!(
            stats.in_flight, 3,
            "K is 3 and every URL is waiting to be answered: the stage must have 3 fetches in \
             flight at once, not wait for one to finish before starting the next"
        );

        sim.release_all();
        let items = receive_all(&mut from_fetch).await;
        stage.await.expect("the fetch stage panicked");
        let expected: Vec<Fetched> = urls
            .iter()
            .enumerate()
            .map(|(index, url)| Fetched {
                index,
                url: url.clone(),
                body: Ok(body_for(&paths("held", 12)[index]).into_bytes()),
            })
            .collect();
        assert_eq!(
            items, expected,
            "every URL handed over once, with its index"
        );
        assert_eq!(sim.stats().max_in_flight, 3);
    });
}

#[test]
fn an_item_waiting_for_the_channel_still_counts_against_k() {
    on_paused_time("the fetch stage with a full channel", || async {
        let sim = SimServer::new(Duration::ZERO);
        let urls: Vec<String> = paths("item", 20).iter().map(|p| sim.url(p)).collect();
        // A channel of one, which the test does not empty yet: the CPU stage is "full".
        let (to_cpu, mut from_fetch) = mpsc::channel(1);
        let stage = tokio::spawn(fetch_stage(
            Arc::new(sim.clone()),
            urls,
            config(3, 1, 100),
            Arc::new(Semaphore::new(100)),
            to_cpu,
            CancellationToken::new(),
        ));

        settle().await;
        let received = sim.stats().received;
        assert!(
            received <= 3 + 1,
            "K is 3 and the channel holds 1: once it is full, 3 fetched items wait for room and \
             nothing new may start, so at most 4 requests; the server got {received}. Is each \
             item counted until the channel has taken it?"
        );
        assert_eq!(
            received,
            3 + 1,
            "one item in the channel and 3 waiting for room: the stage must start items while \
             fewer than K are counted"
        );

        let items = receive_all(&mut from_fetch).await;
        stage.await.expect("the fetch stage panicked");
        let indices: BTreeSet<usize> = items.iter().map(|item| item.index).collect();
        assert_eq!(
            (items.len(), indices),
            (20, (0..20).collect()),
            "every URL handed over once"
        );
    });
}

#[test]
fn the_fetch_stage_admits_items_in_input_order_within_the_window() {
    on_paused_time("the fetch stage with a window of 3", || async {
        let sim = SimServer::new(ms(1));
        let paths = paths("item", 10);
        let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
        let window = Arc::new(Semaphore::new(3));
        let (to_cpu, mut from_fetch) = mpsc::channel(100);
        let stage = tokio::spawn(fetch_stage(
            Arc::new(sim.clone()),
            urls,
            config(5, 100, 3),
            Arc::clone(&window),
            to_cpu,
            CancellationToken::new(),
        ));

        settle().await;
        let requested: Vec<usize> = paths.iter().map(|p| sim.requests_for(p)).collect();
        assert_eq!(
            requested,
            [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
            "the window has 3 permits and nobody gives any back: the stage may start items 0, 1 \
             and 2 only (requests per item shown)"
        );

        window.add_permits(1); // as the writer does when it writes a line
        settle().await;
        assert_eq!(
            sim.requests_for(&paths[3]),
            1,
            "a permit came back: item 3 may start now"
        );
        assert_eq!(sim.stats().received, 4, "one permit, one more item");

        window.add_permits(100);
        let items = receive_all(&mut from_fetch).await;
        stage.await.expect("the fetch stage panicked");
        assert_eq!(items.len(), 10, "every URL handed over");
        assert_eq!(
            window.available_permits(),
            100 - 6,
            "the stage takes one permit per item and gives none back (the writer does)"
        );
    });
}

#[test]
fn a_failed_item_is_handed_over_and_the_others_go_on() {
    on_paused_time("the fetch stage with failing URLs", || async {
        let sim = SimServer::new(ms(1));
        let paths = [
            "/status/404/0",
            "/item/1",
            "/status/500/2",
            "/held/3",
            "/item/4",
        ];
        let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
        let (to_cpu, mut from_fetch) = mpsc::channel(100);
        let mut config = config(2, 100, 100);
        config.policy = policy(ms(500), 2, ms(10));
        let stage = tokio::spawn(fetch_stage(
            Arc::new(sim.clone()),
            urls.clone(),
            config,
            Arc::new(Semaphore::new(100)),
            to_cpu,
            CancellationToken::new(),
        ));

        let items = receive_all(&mut from_fetch).await;
        stage.await.expect("the fetch stage panicked");

        let bodies: Vec<_> = items.iter().map(|item| item.body.clone()).collect();
        assert_eq!(
            bodies,
            [
                Err(FetchError::Status(404)),
                Ok(body_for("/item/1").into_bytes()),
                Err(FetchError::Status(500)),
                Err(FetchError::TimedOut),
                Ok(body_for("/item/4").into_bytes()),
            ],
            "every item is handed over, a failed one with its error, and the stage goes on"
        );
        assert_eq!(
            sim.requests_for("/status/500/2"),
            2,
            "the stage fetches with fetch_with_retry and the config's policy (2 attempts)"
        );
    });
}

#[tokio::test]
async fn the_fetch_stage_keeps_k_requests_in_flight_at_a_real_server() {
    let server = Server::start(Duration::ZERO)
        .await
        .expect("the lab's server starts");
    let paths = paths("held", 8);
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let (to_cpu, mut from_fetch) = mpsc::channel(100);
    let mut stage = tokio::spawn(fetch_stage(
        Arc::new(HttpClient),
        urls,
        config(3, 100, 100),
        Arc::new(Semaphore::new(100)),
        to_cpu,
        CancellationToken::new(),
    ));

    wait_for_stats(
        server.watch_stats(),
        "3 requests in flight at once (K = 3)",
        |s| s.in_flight >= 3,
    )
    .await;
    server.release_all();
    let items = within_patience("receiving what the fetch stage hands over", async {
        receive_all(&mut from_fetch).await
    })
    .await;
    within_patience("the fetch stage", &mut stage)
        .await
        .expect("the fetch stage panicked");

    let bodies: Vec<_> = items.into_iter().map(|item| item.body).collect();
    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p).into_bytes())).collect();
    assert_eq!(bodies, expected, "every URL fetched and handed over");
    let stats = server.stats();
    assert!(
        stats.max_in_flight <= 3,
        "K is 3, but the server saw {} requests in flight at once",
        stats.max_in_flight
    );
}
