//! Exercise 11.3: `write_in_order`, alone and behind the fetch stage with one very slow early URL.
//!
//! On paused time: the test hands the writer its outcomes itself, [`settle`]s, and reads what has
//! been written and how many window permits came back.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{SharedOut, config, ok_line, on_paused_time, paths, settle};
use lab_pipeline::fetch::fetch_stage;
use lab_pipeline::item::{Done, Fetched};
use lab_pipeline::reorder::write_in_order;
use lab_pipeline::sim::{SimServer, body_for};
use lab_pipeline::transform::summarise;
use lab_support::lock;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

fn done(index: usize) -> Done {
    let path = format!("/item/{index}");
    Done {
        index,
        url: format!("sim:{path}"),
        outcome: Ok(summarise(body_for(&path).as_bytes(), 1).expect("text")),
    }
}

fn line_of(index: usize) -> String {
    ok_line(index, &format!("sim:/item/{index}"))
}

#[test]
fn lines_come_out_in_input_order_whatever_order_the_outcomes_arrive_in() {
    on_paused_time("write_in_order of 6 outcomes", || async {
        let (to_writer, results) = mpsc::channel(10);
        for index in [3, 1, 0, 5, 2, 4] {
            to_writer.try_send(done(index)).expect("room");
        }
        let window = Semaphore::new(0);
        let mut out = SharedOut::new();
        let mut seen = Vec::new();

        let written = write_in_order(results, 6, &window, &mut out, &mut |d: &Done| {
            seen.push(d.index)
        })
        .await;

        assert_eq!(written.ok(), Some(6), "six lines written");
        let expected: String = (0..6).map(line_of).collect();
        assert_eq!(out.text(), expected, "one line per item, in input order");
        assert_eq!(
            seen,
            [0, 1, 2, 3, 4, 5],
            "on_line is called once per line, in order"
        );
        assert_eq!(
            window.available_permits(),
            6,
            "one window permit back per line written"
        );
    });
}

// ANCHOR: as_soon_as
#[test]
fn a_line_is_written_as_soon_as_every_line_before_it_is() {
    on_paused_time("write_in_order, outcome by outcome", || async {
        let (to_writer, results) = mpsc::channel(10);
        let window = Arc::new(Semaphore::new(0));
        let out = SharedOut::new();
        let writer = {
            let (window, mut out) = (Arc::clone(&window), out.clone());
            async move { write_in_order(results, 4, &window, &mut out, &mut |_: &Done| {}).await }
        };
        let test = async {
            let mut seen = Vec::new();
            for (arrives, lines, permits) in [(1, 0, 0), (0, 2, 2), (3, 2, 2), (2, 4, 4)] {
                to_writer
                    .send(done(arrives))
                    .await
                    .expect("the writer is there");
                settle().await;
                seen.push(arrives);
                assert_eq!(
                    (out.line_count(), window.available_permits()),
                    (lines, permits),
                    "after outcomes {seen:?} arrived, lines 0..{lines} can be written and no \
                     more, with one window permit back per line written (not per outcome \
                     received): (lines written, permits back) are wrong"
                );
            }
        };

        let (written, ()) = tokio::join!(writer, test);

        assert_eq!(written.ok(), Some(4));
        let expected: String = (0..4).map(line_of).collect();
        assert_eq!(out.text(), expected);
    });
}
// ANCHOR_END: as_soon_as

#[test]
fn a_closed_channel_ends_the_output_at_a_complete_prefix() {
    on_paused_time("write_in_order with the channel closed early", || async {
        let (to_writer, results) = mpsc::channel(10);
        for index in [0, 3, 1, 4] {
            to_writer.try_send(done(index)).expect("room");
        }
        drop(to_writer); // a cancelled run: item 2 never comes
        let window = Semaphore::new(0);
        let mut out = SharedOut::new();

        let written = write_in_order(results, 6, &window, &mut out, &mut |_: &Done| {}).await;

        assert_eq!(
            written.ok(),
            Some(2),
            "only lines 0 and 1 can be written without line 2"
        );
        let expected: String = (0..2).map(line_of).collect();
        assert_eq!(
            out.text(),
            expected,
            "the outcomes of items 3 and 4 are held back and dropped: the output must stay a \
             complete prefix of the input"
        );
    });
}

#[test]
fn an_error_writing_the_output_is_returned() {
    on_paused_time("write_in_order to a failing output", || async {
        let (to_writer, results) = mpsc::channel(10);
        to_writer.try_send(done(0)).expect("room");
        let window = Semaphore::new(0);
        let mut out = SharedOut::failing();

        let written = write_in_order(results, 3, &window, &mut out, &mut |_: &Done| {}).await;

        assert!(
            written.is_err(),
            "writing the first line fails: write_in_order must return the error (it returned \
             {written:?})"
        );
    });
}

#[test]
fn one_slow_early_url_makes_the_fetcher_wait_at_the_window() {
    on_paused_time(
        "the fetch stage and the writer with a slow first URL",
        || async {
            let sim = SimServer::new(Duration::from_millis(1));
            let mut paths = paths("item", 30);
            paths[0] = "/held/0".into(); // the first URL does not answer until the test says so
            let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
            let w = 6;
            let window = Arc::new(Semaphore::new(w));
            let (to_cpu, mut from_fetch) = mpsc::channel::<Fetched>(100);
            let (to_writer, results) = mpsc::channel(100);
            let fetching = tokio::spawn(fetch_stage(
                Arc::new(sim.clone()),
                urls.clone(),
                config(4, 100, w),
                Arc::clone(&window),
                to_cpu,
                CancellationToken::new(),
            ));
            // The test plays the CPU stage, here on the runtime: it is instant.
            let computing = tokio::spawn(async move {
                while let Some(item) = from_fetch.recv().await {
                    let outcome = common::expected_outcome(item.body);
                    let done = Done {
                        index: item.index,
                        url: item.url,
                        outcome,
                    };
                    if to_writer.send(done).await.is_err() {
                        break;
                    }
                }
            });
            let out = SharedOut::new();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let writer = {
                let (window, mut out, seen) = (Arc::clone(&window), out.clone(), Arc::clone(&seen));
                async move {
                    let mut on_line = |d: &Done| lock(&seen).push(d.index);
                    write_in_order(results, 30, &window, &mut out, &mut on_line).await
                }
            };
            let test = async {
                settle().await;
                let received = sim.stats().received;
                assert!(
                    received <= w,
                    "the window is {w}: while line 0 cannot be written, at most {w} items may be \
                 in the pipeline, yet the server got {received} requests. Does the writer give \
                 a permit back only when it writes a line?"
                );
                assert_eq!(
                    out.line_count(),
                    0,
                    "item 0 has not arrived: no line may be written before its line"
                );
                sim.release(&paths[0]);
            };

            let (written, ()) = tokio::join!(writer, test);

            fetching.await.expect("the fetch stage panicked");
            computing.await.expect("the test's CPU stage panicked");
            assert_eq!(
                written.ok(),
                Some(30),
                "every line written once item 0 came"
            );
            let expected: String = urls
                .iter()
                .enumerate()
                .map(|(index, url)| ok_line(index, url))
                .collect();
            assert_eq!(out.text(), expected, "one line per URL, in input order");
            assert_eq!(*lock(&seen), (0..30).collect::<Vec<_>>());
        },
    );
}
