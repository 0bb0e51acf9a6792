//! Exercise 11.4: `run`, the whole pipeline, its bounds, and its cancellation (with the stages'
//! own cancellation).
//!
//! The bounds and the waiting for started work are checked on paused time with the simulated
//! server; that cancelling closes every connection is checked against the real server.

mod common;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{
    Gate, SharedOut, config, cpu_pool, ok_line, on_paused_time, paths, settle, wait_for_stats,
};
use lab_pipeline::cpu::cpu_stage;
use lab_pipeline::fetch::fetch_stage;
use lab_pipeline::http::HttpClient;
use lab_pipeline::item::{Done, Fetched};
use lab_pipeline::line::{Line, Report, cancelled_marker};
use lab_pipeline::pipeline::{Stages, run};
use lab_pipeline::server::Server;
use lab_pipeline::sim::{SimServer, body_for};
use lab_support::tokio::within_patience;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Checks that `text` is lines `0..written` of `urls` (all `ok`), then the cancelled marker.
fn assert_complete_prefix_then_marker(text: &str, urls: &[String]) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let (marker, body) = lines
        .split_last()
        .unwrap_or_else(|| panic!("the output of a cancelled run is empty: {text:?}"));
    let written = body.len();
    assert_eq!(
        *marker,
        cancelled_marker(written, urls.len()),
        "a cancelled run's output must end with the cancelled marker for the {written} lines \
         before it; the output is:\n{text}"
    );
    for (index, line) in body.iter().enumerate() {
        assert_eq!(
            format!("{line}\n"),
            ok_line(index, &urls[index]),
            "line {index} of a cancelled run: the lines must be a complete prefix of the input, \
             in order; the output is:\n{text}"
        );
    }
    written
}

#[test]
fn run_writes_one_line_per_url_in_input_order() {
    on_paused_time("a run of 20 URLs", || async {
        let sim = SimServer::new(Duration::ZERO);
        // Different delays: the items finish in another order than they start.
        let urls: Vec<String> = (0..20)
            .map(|i| sim.url(&format!("/slow/{}/{i}", (37 * i) % 50)))
            .collect();
        let pool = cpu_pool(2);
        let gate = Gate::open_from_the_start(&pool);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(4, 2, 10),
        };
        let mut out = SharedOut::new();
        let mut seen = Vec::new();

        let report = run(
            urls.clone(),
            stages,
            &mut out,
            &mut |d: &Done| seen.push(d.index),
            CancellationToken::new(),
        )
        .await
        .expect("writing to memory does not fail");

        common::assert_no_wrong_thread(&gate.stats());
        let expected: String = urls
            .iter()
            .enumerate()
            .map(|(index, url)| ok_line(index, url))
            .collect();
        assert_eq!(out.text(), expected, "one line per URL, in input order");
        assert_eq!(
            out.flushed_text(),
            expected,
            "run must flush its output before it returns"
        );
        assert_eq!(seen, (0..20).collect::<Vec<_>>(), "on_line after each line");
        let mut expected_report = Report::new(20);
        expected_report.written = 20;
        expected_report.ok = 20;
        assert_eq!(report, expected_report);
    });
}

#[test]
fn run_keeps_every_bound_when_the_cpu_stage_is_full() {
    on_paused_time("a run with the CPU work held", || async {
        let sim = SimServer::new(Duration::ZERO);
        let urls: Vec<String> = paths("item", 50).iter().map(|p| sim.url(p)).collect();
        let (k, c, n) = (3, 2, 2);
        let pool = cpu_pool(n);
        let gate = Gate::closed(&pool);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(k, c, 100),
        };
        let mut out = SharedOut::new();
        let mut on_line = |_: &Done| {};
        let pipeline = run(
            urls.clone(),
            stages,
            &mut out,
            &mut on_line,
            CancellationToken::new(),
        );
        let test = async {
            gate.wait_until(|s| s.inside == n).await;
            settle().await;
            let received = sim.stats().received;
            assert!(
                received <= k + c + n + 1,
                "the CPU stage is saturated, so the server may see at most K + C + N + 1 = {} \
                 requests; it saw {received}. Is the channel between the stages bounded by \
                 config.hand_over, and do the stages run at the same time?",
                k + c + n + 1
            );
            gate.open();
        };

        let (report, ()) = tokio::join!(pipeline, test);

        let report = report.expect("writing to memory does not fail");
        assert_eq!((report.written, report.ok), (50, 50));
        let lines: Vec<usize> = out
            .text()
            .lines()
            .map(|l| Line::parse(l).expect("a line").index)
            .collect();
        assert_eq!(lines, (0..50).collect::<Vec<_>>(), "every line, in order");
    });
}

#[test]
fn the_cpu_stage_starts_while_later_urls_are_still_being_fetched() {
    on_paused_time(
        "a run whose CPU stage should start on item 0 while items 1 to 5 are still being fetched",
        || async {
            let sim = SimServer::new(Duration::ZERO);
            let mut paths = paths("held", 6);
            paths[0] = "/item/0".into();
            let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
            let pool = cpu_pool(2);
            let gate = Gate::open_from_the_start(&pool);
            let stages = Stages {
                fetcher: Arc::new(sim.clone()),
                work: gate.work(),
                pool,
                config: config(6, 2, 10),
            };
            let mut out = SharedOut::new();
            let mut on_line = |_: &Done| {};
            let pipeline = run(
                urls,
                stages,
                &mut out,
                &mut on_line,
                CancellationToken::new(),
            );
            let test = async {
                // Items 1 to 5 never answer until released: a run that fetches everything
                // before it computes never gets here (and the test fails when its time is up).
                gate.wait_until(|s| s.entered >= 1).await;
                sim.release_all();
            };

            let (report, ()) = tokio::join!(pipeline, test);

            assert_eq!(report.expect("no write error").written, 6);
        },
    );
}

#[test]
fn a_small_window_bounds_a_run_with_a_slow_first_url() {
    on_paused_time("a run with a slow first URL and a window of 5", || async {
        let sim = SimServer::new(Duration::ZERO);
        let mut paths = paths("item", 40);
        paths[0] = "/held/0".into();
        let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
        let w = 5;
        let pool = cpu_pool(2);
        let gate = Gate::open_from_the_start(&pool);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(3, 2, w),
        };
        let mut out = SharedOut::new();
        let mut on_line = |_: &Done| {};
        let pipeline = run(
            urls.clone(),
            stages,
            &mut out,
            &mut on_line,
            CancellationToken::new(),
        );
        let test = async {
            settle().await;
            let received = sim.stats().received;
            assert!(
                received <= w,
                "the window is {w} and line 0 cannot be written yet, so at most {w} items may \
                 have started; the server got {received} requests. Does run give the fetch \
                 stage and the writer one window of config.window permits?"
            );
            sim.release(&paths[0]);
        };

        let (report, ()) = tokio::join!(pipeline, test);

        assert_eq!(report.expect("no write error").written, 40);
        let expected: String = urls
            .iter()
            .enumerate()
            .map(|(index, url)| ok_line(index, url))
            .collect();
        assert_eq!(out.text(), expected, "every line, in input order");
    });
}

#[test]
fn a_run_of_no_urls_writes_nothing() {
    on_paused_time("a run of no URLs", || async {
        let pool = cpu_pool(1);
        let gate = Gate::open_from_the_start(&pool);
        let stages = Stages {
            fetcher: Arc::new(SimServer::new(Duration::ZERO)),
            work: gate.work(),
            pool,
            config: config(2, 2, 4),
        };
        let mut out = SharedOut::new();

        let report = run(
            Vec::new(),
            stages,
            &mut out,
            &mut |_: &Done| {},
            CancellationToken::new(),
        )
        .await;

        assert_eq!(report.ok(), Some(Report::new(0)));
        assert_eq!(out.text(), "", "nothing to write, not even a marker");
    });
}

#[test]
fn a_failed_write_stops_the_run_with_the_error() {
    on_paused_time("a run whose output fails", || async {
        let sim = SimServer::new(Duration::ZERO);
        let urls: Vec<String> = paths("item", 30).iter().map(|p| sim.url(p)).collect();
        let pool = cpu_pool(2);
        let gate = Gate::open_from_the_start(&pool);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(3, 2, 4),
        };
        let mut out = SharedOut::failing();

        let report = run(
            urls,
            stages,
            &mut out,
            &mut |_: &Done| {},
            CancellationToken::new(),
        )
        .await;

        assert!(
            report.is_err(),
            "writing the output fails: run must return the error (it returned {report:?})"
        );
        assert!(
            sim.stats().received <= 4,
            "no line was written, so no window permit came back: at most 4 URLs may have \
             been fetched"
        );
    });
}

#[test]
fn a_run_cancelled_before_it_starts_writes_only_the_marker() {
    on_paused_time("a run cancelled from the start", || async {
        let sim = SimServer::new(Duration::ZERO);
        let urls: Vec<String> = paths("held", 5).iter().map(|p| sim.url(p)).collect();
        let pool = cpu_pool(1);
        let gate = Gate::open_from_the_start(&pool);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(2, 2, 10),
        };
        let cancel = CancellationToken::new();
        cancel.cancel();
        let mut out = SharedOut::new();

        let report = run(urls, stages, &mut out, &mut |_: &Done| {}, cancel)
            .await
            .expect("no write error");

        assert!(
            report.cancelled,
            "the report must say the run was cancelled"
        );
        assert_eq!(report.written, 0);
        assert_eq!(out.flushed_text(), format!("{}\n", cancelled_marker(0, 5)));
    });
}

// ANCHOR: cancel_real
#[tokio::test]
async fn cancelling_a_run_closes_every_connection_and_leaves_a_complete_prefix() {
    let server = Server::start(Duration::ZERO)
        .await
        .expect("the lab's server starts");
    let mut paths = paths("held", 12);
    for (i, path) in paths.iter_mut().enumerate().take(4) {
        *path = format!("/item/{i}");
    }
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let pool = cpu_pool(2);
    let gate = Gate::open_from_the_start(&pool);
    let stages = Stages {
        fetcher: Arc::new(HttpClient),
        work: gate.work(),
        pool,
        config: config(3, 2, 100),
    };
    let cancel = CancellationToken::new();
    let mut out = SharedOut::new();
    let written_so_far = out.clone();
    let mut on_line = |_: &Done| {};
    let pipeline = run(urls.clone(), stages, &mut out, &mut on_line, cancel.clone());
    let test = async {
        // Items 0 to 3 are written; items 4, 5 and 6 are in flight, held by the server.
        within_patience("the first 4 lines", written_so_far.wait_for_lines(4)).await;
        wait_for_stats(server.watch_stats(), "3 held requests in flight", |s| {
            s.in_flight == 3
        })
        .await;
        cancel.cancel();
    };

    let (report, ()) =
        within_patience("the cancelled run", async { tokio::join!(pipeline, test) }).await;

    let report = report.expect("no write error");
    wait_for_stats(
        server.watch_stats(),
        "no request in flight once the run is cancelled (every connection closed)",
        |s| s.in_flight == 0,
    )
    .await;
    assert_eq!(
        server.stats().cancelled,
        3,
        "the 3 requests in flight must be cancelled (their connections closed), not answered"
    );
    let written = assert_complete_prefix_then_marker(&out.flushed_text(), &urls);
    assert_eq!(written, 4, "items 0 to 3 were written before the cancel");
    assert!(
        report.cancelled,
        "the report must say the run was cancelled"
    );
    assert_eq!(report.written, 4);
}
// ANCHOR_END: cancel_real

#[test]
fn cancelling_a_run_waits_for_the_cpu_work_it_started() {
    on_paused_time("a cancelled run with CPU work held at the gate", || async {
        let sim = SimServer::new(Duration::ZERO);
        let mut paths = paths("held", 8);
        for (i, path) in paths.iter_mut().enumerate().take(3) {
            *path = format!("/item/{i}");
        }
        let urls: Vec<String> = paths.iter().map(|p| sim.url(p)).collect();
        let pool = cpu_pool(2);
        let gate = Gate::holding(&pool, &["/item/2"]);
        let stages = Stages {
            fetcher: Arc::new(sim.clone()),
            work: gate.work(),
            pool,
            config: config(4, 2, 100),
        };
        let cancel = CancellationToken::new();
        let finished = Cell::new(false);
        let mut out = SharedOut::new();
        let written_so_far = out.clone();
        let pipeline = async {
            let report = run(
                urls.clone(),
                stages,
                &mut out,
                &mut |_: &Done| {},
                cancel.clone(),
            )
            .await;
            finished.set(true);
            report
        };
        let test = async {
            gate.wait_until(|s| s.inside == 1 && s.finished == 2).await;
            written_so_far.wait_for_lines(2).await;
            cancel.cancel();
            settle().await;
            assert!(
                !finished.get(),
                "run returned while the CPU work it had started on item 2 was still running: \
                 it must wait for started work to finish"
            );
            gate.open();
        };

        let (report, ()) = tokio::join!(pipeline, test);

        let report = report.expect("no write error");
        let stats = gate.stats();
        assert_eq!(
            (stats.entered, stats.finished),
            (3, 3),
            "every piece of CPU work started is finished when run returns"
        );
        let written = assert_complete_prefix_then_marker(&out.flushed_text(), &urls);
        assert!(
            (2..=3).contains(&written),
            "lines 0 and 1 were written before the cancel, line 2 may be: {written} lines"
        );
        assert!(report.cancelled);
    });
}

#[tokio::test]
async fn cancelling_the_fetch_stage_drops_its_fetches() {
    let server = Server::start(Duration::ZERO)
        .await
        .expect("the lab's server starts");
    let urls: Vec<String> = paths("held", 6).iter().map(|p| server.url(p)).collect();
    let cancel = CancellationToken::new();
    let (to_cpu, _from_fetch) = mpsc::channel(10);
    let stage = tokio::spawn(fetch_stage(
        Arc::new(HttpClient),
        urls,
        config(3, 10, 10),
        Arc::new(Semaphore::new(10)),
        to_cpu,
        cancel.clone(),
    ));
    wait_for_stats(server.watch_stats(), "3 requests in flight", |s| {
        s.in_flight == 3
    })
    .await;

    cancel.cancel();

    within_patience("the cancelled fetch stage", stage)
        .await
        .expect("the fetch stage panicked");
    wait_for_stats(
        server.watch_stats(),
        "no request in flight after the fetch stage was cancelled",
        |s| s.in_flight == 0,
    )
    .await;
    let stats = server.stats();
    assert_eq!(
        (stats.received, stats.cancelled),
        (3, 3),
        "after the cancel, nothing new may start, and the 3 requests in flight are dropped"
    );
}

#[test]
fn cancelling_the_cpu_stage_finishes_started_work_and_drops_the_rest() {
    on_paused_time(
        "a cancelled CPU stage with work held at the gate",
        || async {
            let pool = cpu_pool(2);
            let gate = Gate::closed(&pool);
            let (to_cpu, from_fetch) = mpsc::channel(10);
            for i in 0..6 {
                let path = format!("/item/{i}");
                let item = Fetched {
                    index: i,
                    url: format!("sim:{path}"),
                    body: Ok(body_for(&path).into_bytes()),
                };
                to_cpu.try_send(item).expect("room");
            }
            let (to_writer, mut results) = mpsc::channel(10);
            let cancel = CancellationToken::new();
            let stage = tokio::spawn(cpu_stage(
                from_fetch,
                pool,
                gate.work(),
                to_writer,
                cancel.clone(),
            ));
            gate.wait_until(|s| s.inside == 2).await;

            cancel.cancel();
            settle().await;
            assert!(
                !stage.is_finished(),
                "the CPU stage returned while the work it had started was still running"
            );
            gate.open();
            stage.await.expect("the CPU stage panicked");

            let mut sent = BTreeSet::new();
            while let Ok(done) = results.try_recv() {
                sent.insert(done.index);
            }
            assert_eq!(
                sent.len(),
                2,
                "the outcomes of the 2 items at work are sent, and nothing else is started after \
             the cancel (outcomes sent for {sent:?})"
            );
            assert_eq!(gate.stats().entered, 2, "no work started after the cancel");
            drop(to_cpu);
        },
    );
}
