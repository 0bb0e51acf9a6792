//! Exercise 11.5: `process`, and a whole run over slow, failing and good URLs.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{SharedOut, config, cpu_pool, expected_line, on_paused_time};
use lab_pipeline::config::Policy;
use lab_pipeline::http::FetchError;
use lab_pipeline::item::{Done, ItemError, Outcome};
use lab_pipeline::outcome::{process, work_for};
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::routes::path_of;
use lab_pipeline::sim::{SimServer, body_for};
use lab_pipeline::transform::{Summary, Transform, TransformError, summarise};
use lab_support::{ON_PURPOSE, hide_deliberate_panics};
use tokio_util::sync::CancellationToken;

#[test]
fn a_failed_fetch_is_the_outcome_and_the_transform_is_not_called() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let transform = move |body: &[u8]| {
        counted.fetch_add(1, Ordering::SeqCst);
        summarise(body, 1)
    };

    let outcome = process(Err(FetchError::TimedOut), &transform);

    assert_eq!(outcome, Err(ItemError::Fetch(FetchError::TimedOut)));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "there is no body to transform: the transform must not be called"
    );
}

#[test]
fn the_transform_decides_the_outcome_of_a_body() {
    let transform = |body: &[u8]| summarise(body, 1);
    let body = body_for("/item/1").into_bytes();

    assert_eq!(
        process(Ok(body.clone()), &transform),
        Ok(summarise(&body, 1).expect("text"))
    );
    assert_eq!(
        process(Ok(vec![0xff, 0xfe]), &transform),
        Err(ItemError::Transform(TransformError::NotText)),
        "a transform error is the item's error"
    );
}

/// Runs `process`; fails the test with a message if a panic comes out of it.
fn caught(process: impl FnOnce() -> Outcome) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(process)).unwrap_or_else(|_| {
        panic!(
            "the transform's panic came out of process: process must catch it and make it the \
             item's error (on a rayon pool, a panic that escapes a job aborts the program)"
        )
    })
}

// ANCHOR: panic_test
#[test]
fn a_panicking_transform_fails_its_item_with_the_panic_message() {
    hide_deliberate_panics();
    let with_arguments = |_: &[u8]| -> Result<Summary, TransformError> {
        panic!("no summary for item {} {ON_PURPOSE}", 7)
    };
    let with_a_literal =
        |_: &[u8]| -> Result<Summary, TransformError> { panic!("no summary (on purpose)") };
    let with_a_number = |_: &[u8]| -> Result<Summary, TransformError> {
        std::panic::panic_any(42_u32);
    };

    let outcomes = [
        caught(|| process(Ok(b"x".to_vec()), &with_arguments)),
        caught(|| process(Ok(b"x".to_vec()), &with_a_literal)),
        caught(|| process(Ok(b"x".to_vec()), &with_a_number)),
    ];

    let panicked = |message: &str| {
        Err(ItemError::Transform(TransformError::Panicked(
            message.to_owned(),
        )))
    };
    assert_eq!(
        outcomes,
        [
            panicked("no summary for item 7 (on purpose)"),
            panicked("no summary (on purpose)"),
            panicked(""),
        ],
        "a panic in the transform is the item's error, with the panic's message when it is a \
         string (a String from panic! with arguments, a &str without), empty otherwise"
    );
}
// ANCHOR_END: panic_test

/// The transform of the mixed run: `summarise`, except that it panics on a `/panic/` body.
fn summarise_or_panic(body: &[u8]) -> Result<Summary, TransformError> {
    let text = String::from_utf8_lossy(body);
    if let Some(path) = text.lines().next().filter(|l| l.contains("/panic/")) {
        panic!("cannot summarise {path} {ON_PURPOSE}");
    }
    summarise(body, 1)
}

/// What the mixed run's line for `path` says.
fn outcome_of(path: &str) -> Outcome {
    let kind = path.split('/').nth(1).unwrap_or("");
    match kind {
        "held" => Err(ItemError::Fetch(FetchError::TimedOut)),
        "status" => {
            let code = path.split('/').nth(2).and_then(|c| c.parse().ok());
            Err(ItemError::Fetch(FetchError::Status(code.expect("a code"))))
        }
        "binary" => Err(ItemError::Transform(TransformError::NotText)),
        "panic" => Err(ItemError::Transform(TransformError::Panicked(format!(
            "cannot summarise the resource at {path} {ON_PURPOSE}"
        )))),
        _ => Ok(summarise(body_for(path).as_bytes(), 1).expect("text")),
    }
}

#[test]
fn every_url_gets_its_line_whatever_goes_wrong_with_the_others() {
    hide_deliberate_panics();
    on_paused_time("a run of slow, failing and good URLs", || async {
        let sim = SimServer::new(Duration::from_millis(10));
        let kinds = [
            "/item",
            "/held",
            "/status/404",
            "/status/500",
            "/flaky/1",
            "/binary",
            "/panic",
            "/item",
        ];
        let paths: Vec<String> = (0..24)
            .map(|i| format!("{}/{i}", kinds[i % kinds.len()]))
            .collect();
        let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
        let mut config = config(4, 2, 12);
        config.policy = Policy {
            timeout: Duration::from_secs(1),
            attempts: 2,
            backoff: Duration::from_millis(100),
        };
        let transform: Arc<Transform> = Arc::new(summarise_or_panic);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: work_for(transform),
            pool: cpu_pool(2),
            config,
        };
        let mut out = SharedOut::new();

        let report = run(
            urls.clone(),
            stages,
            &mut out,
            &mut |_: &Done| {},
            CancellationToken::new(),
        )
        .await;

        let report = report.expect("errors of items are lines, not an error of the run");
        let expected: String = urls
            .iter()
            .enumerate()
            .map(|(index, url)| expected_line(index, url, outcome_of(path_of(url))))
            .collect();
        assert_eq!(
            out.text(),
            expected,
            "one line per URL, in input order, each with its own outcome: a time-out, a bad \
             status, a body that is not text or a panicking transform fails its item only"
        );
        let failed: BTreeMap<&str, usize> =
            [("status", 6), ("timeout", 3), ("transform", 6)].into();
        assert_eq!(
            (report.written, report.ok, report.failed, report.cancelled),
            (24, 9, failed, false)
        );
        assert_eq!(
            (
                sim.requests_for("/status/404/2"),
                sim.requests_for("/status/500/3"),
                sim.requests_for("/flaky/1/4"),
            ),
            (1, 2, 2),
            "404 is not retried; 500 and 503 are, up to 2 attempts"
        );
    });
}
