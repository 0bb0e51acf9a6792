//! Exercise 7.4: `fetch_each_within` and `fetch_with_retry`.
//!
//! These tests run on paused time (`start_paused = true`): Tokio's clock stands still and jumps
//! ahead to the next timer whenever every task is waiting, so a "5 second" request takes no real
//! time, and every duration measured with `tokio::time::Instant` is exact. The fetch here is
//! simulated: it only waits on Tokio's clock. (A real socket would not mix with paused time: the
//! clock would jump ahead while the runtime waits for the network, and timeouts would fire early.)

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lab_async::deadlines::{BatchTimedOut, fetch_each_within, fetch_with_retry};
use lab_async::http::FetchError;
use lab_async::server::body_for;
use lab_support::tokio::within_patience;
use tokio::time::{Instant, sleep};

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A simulated fetch: `/slow/{millis}/…` takes that many milliseconds of Tokio time, any other
/// path 100 ms; then it answers like the lab's server.
async fn simulated_fetch(path: &str) -> Result<String, FetchError> {
    let millis = path
        .strip_prefix("/slow/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|millis| millis.parse().ok())
        .unwrap_or(100);
    sleep(ms(millis)).await;
    Ok(body_for(path))
}

#[tokio::test(start_paused = true)]
async fn a_request_over_its_limit_times_out_alone() {
    let paths = ["/a", "/slow/5000/b", "/c"];
    let start = Instant::now();

    let results = within_patience(
        "fetch_each_within",
        fetch_each_within(&paths, simulated_fetch, ms(1000), ms(60_000)),
    )
    .await;

    assert_eq!(
        results,
        Ok(vec![
            Ok(body_for("/a")),
            Err(FetchError::TimedOut),
            Ok(body_for("/c")),
        ]),
        "only the 5 s request exceeds its 1 s limit; the others must still succeed"
    );
    assert_eq!(
        start.elapsed(),
        ms(100 + 1000 + 100),
        "the slow request must be abandoned after its 1 s limit, not waited for"
    );
}

#[tokio::test(start_paused = true)]
async fn requests_within_their_limits_all_succeed_even_if_together_they_take_longer() {
    // Each request takes 900 ms, under its 1 s limit; the batch takes 2.7 s, under its 5 s.
    let paths = ["/slow/900/a", "/slow/900/b", "/slow/900/c"];
    let start = Instant::now();

    let results = within_patience(
        "fetch_each_within",
        fetch_each_within(&paths, simulated_fetch, ms(1000), ms(5000)),
    )
    .await;

    let expected: Vec<_> = paths.iter().map(|p| Ok(body_for(p))).collect();
    assert_eq!(
        results,
        Ok(expected),
        "each request is within the per-request limit and the batch within its own: is the \
         per-request timeout around each request, and not around the whole batch?"
    );
    assert_eq!(
        start.elapsed(),
        ms(2700),
        "three requests of 900 ms, one after another, take 2.7 s"
    );
}

#[tokio::test(start_paused = true)]
async fn the_batch_stops_at_its_deadline_even_in_the_middle_of_a_request() {
    // Five requests of 400 ms each: the 1 s batch limit falls in the middle of the third.
    let paths = [
        "/slow/400/a",
        "/slow/400/b",
        "/slow/400/c",
        "/slow/400/d",
        "/slow/400/e",
    ];
    let start = Instant::now();

    let results = within_patience(
        "fetch_each_within",
        fetch_each_within(&paths, simulated_fetch, ms(1000), ms(1000)),
    )
    .await;

    assert_eq!(
        results,
        Err(BatchTimedOut),
        "five requests of 400 ms do not fit in a batch limit of 1 s"
    );
    assert_eq!(
        start.elapsed(),
        ms(1000),
        "the batch must stop when its 1 s are up, not when the request in progress finishes"
    );
}

#[tokio::test(start_paused = true)]
async fn an_abandoned_request_is_dropped_not_left_running() {
    let unfinished = Arc::new(AtomicUsize::new(0));
    let fetch = {
        let unfinished = Arc::clone(&unfinished);
        async move |path: &str| {
            // Counts itself as unfinished until it completes; dropping it early leaves the count.
            unfinished.fetch_add(1, Ordering::SeqCst);
            let result = simulated_fetch(path).await;
            unfinished.fetch_sub(1, Ordering::SeqCst);
            result
        }
    };

    let results = within_patience(
        "fetch_each_within",
        fetch_each_within(&["/slow/5000/a"], fetch, ms(1000), ms(10_000)),
    )
    .await;
    sleep(ms(10_000)).await; // long after the request would have finished, had it kept running

    assert_eq!(
        results,
        Ok(vec![Err(FetchError::TimedOut)]),
        "the 5 s request is over its 1 s limit"
    );
    assert_eq!(
        unfinished.load(Ordering::SeqCst),
        1,
        "the timed-out request must be abandoned (its future dropped), not finished"
    );
}

// ANCHOR: retry
#[tokio::test(start_paused = true)]
async fn retry_pauses_between_attempts_without_blocking_the_runtime() {
    // A heartbeat task: it can only count if the runtime gets to run it.
    let beats = Arc::new(AtomicUsize::new(0));
    let heartbeat = tokio::spawn({
        let beats = Arc::clone(&beats);
        async move {
            loop {
                sleep(ms(100)).await;
                beats.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let beats_at_each_attempt = std::sync::Mutex::new(Vec::new());
    let calls = Cell::new(0);
    let flaky_fetch = async |path: &str| {
        beats_at_each_attempt
            .lock()
            .expect("not poisoned")
            .push(beats.load(Ordering::SeqCst));
        calls.set(calls.get() + 1);
        if calls.get() < 3 {
            Err(FetchError::Io(std::io::ErrorKind::ConnectionReset))
        } else {
            Ok(body_for(path))
        }
    };
    let start = Instant::now();

    let result = within_patience(
        "fetch_with_retry",
        fetch_with_retry("/flaky", flaky_fetch, 5, ms(1000)),
    )
    .await;

    heartbeat.abort();
    assert_eq!(result, Ok(body_for("/flaky")), "the third attempt succeeds");
    assert_eq!(calls.get(), 3, "it must stop at the first success");
    assert_eq!(
        start.elapsed(),
        ms(2000),
        "two pauses of 1 s (of Tokio's clock) between three attempts; a pause that does not \
         advance Tokio's clock is not tokio::time::sleep"
    );
    let beats = beats_at_each_attempt.into_inner().expect("not poisoned");
    assert!(
        beats.windows(2).all(|pair| pair[1] > pair[0]),
        "the heartbeat task must keep beating during each pause (beats seen at each attempt: \
         {beats:?}); a pause that blocks the thread stops every task"
    );
}
// ANCHOR_END: retry

#[tokio::test(start_paused = true)]
async fn retry_gives_up_after_the_last_attempt_with_its_error_and_needs_one() {
    let calls = Cell::new(0);
    let failing_fetch = async |_path: &str| {
        calls.set(calls.get() + 1);
        Err(FetchError::Status(500 + calls.get()))
    };
    let start = Instant::now();

    let result = within_patience(
        "fetch_with_retry",
        fetch_with_retry("/down", failing_fetch, 3, ms(250)),
    )
    .await;

    assert_eq!(
        result,
        Err(FetchError::Status(503)),
        "the error of the last attempt"
    );
    assert_eq!(calls.get(), 3, "exactly `attempts` attempts");
    assert_eq!(
        start.elapsed(),
        ms(500),
        "a pause between attempts, none after the last one"
    );
    // With no attempt at all there is no last error to return: the contract says to panic. The
    // call runs as a task, so that awaiting its handle tells a panic apart from a result.
    let call = tokio::spawn(async {
        fetch_with_retry("/never", async |path: &str| Ok(body_for(path)), 0, ms(250)).await
    });
    let outcome = within_patience(
        "fetch_with_retry with 0 attempts, which must panic at once",
        call,
    )
    .await;
    match outcome {
        Err(error) if error.is_panic() => {}
        other => panic!("fetch_with_retry with 0 attempts must panic, but it returned {other:?}"),
    }
}
