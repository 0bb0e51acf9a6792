//! Exercise 11.2: `cpu_stage`, alone and behind the fetch stage.
//!
//! The CPU work is a gate the test opens (see `common::Gate`), so a saturated pool is a fact the
//! test creates, not a matter of timing; the tests run on paused time and [`settle`] once the work
//! is held at the gate.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{Gate, config, cpu_pool, expected_outcome, on_paused_time, paths, settle};
use lab_pipeline::cpu::cpu_stage;
use lab_pipeline::fetch::fetch_stage;
use lab_pipeline::http::FetchError;
use lab_pipeline::item::{Done, Fetched};
use lab_pipeline::sim::{SimServer, body_for};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

fn item(index: usize, path: &str) -> Fetched {
    Fetched {
        index,
        url: format!("sim:{path}"),
        body: Ok(body_for(path).into_bytes()),
    }
}

fn done_for(item: &Fetched) -> Done {
    Done {
        index: item.index,
        url: item.url.clone(),
        outcome: expected_outcome(item.body.clone()),
    }
}

/// Every outcome waiting in `results` now, sorted by index.
fn drain(results: &mut mpsc::Receiver<Done>) -> Vec<Done> {
    let mut all = Vec::new();
    while let Ok(done) = results.try_recv() {
        all.push(done);
    }
    all.sort_by_key(|done| done.index);
    all
}

#[test]
fn the_cpu_stage_works_on_the_pool_and_sends_every_outcome() {
    on_paused_time("the CPU stage with 11 items", || async {
        let pool = cpu_pool(2);
        let gate = Gate::open_from_the_start(&pool);
        let mut items: Vec<Fetched> = (0..10).map(|i| item(i, &format!("/item/{i}"))).collect();
        items.push(Fetched {
            index: 10,
            url: "sim:/status/404/10".into(),
            body: Err(FetchError::Status(404)),
        });
        let (to_cpu, from_fetch) = mpsc::channel(100);
        for item in &items {
            to_cpu.try_send(item.clone()).expect("room in the channel");
        }
        drop(to_cpu); // closed: the stage ends once it has done them all
        let (to_writer, mut results) = mpsc::channel(100);

        cpu_stage(
            from_fetch,
            pool,
            gate.work(),
            to_writer,
            CancellationToken::new(),
        )
        .await;

        common::assert_no_wrong_thread(&gate.stats());
        let expected: Vec<Done> = items.iter().map(done_for).collect();
        assert_eq!(
            drain(&mut results),
            expected,
            "when the stage returns, the outcome of every item must have been sent, once, with \
             its index and URL (an item whose fetch failed too: the work decides its outcome)"
        );
    });
}

#[test]
fn the_cpu_stage_returns_only_once_its_work_is_done() {
    on_paused_time("the CPU stage with work held at the gate", || async {
        let pool = cpu_pool(2);
        let gate = Gate::closed(&pool);
        let items = [item(0, "/item/0"), item(1, "/item/1")];
        let (to_cpu, from_fetch) = mpsc::channel(10);
        for item in &items {
            to_cpu.try_send(item.clone()).expect("room in the channel");
        }
        drop(to_cpu);
        let (to_writer, mut results) = mpsc::channel(10);
        let stage = tokio::spawn(cpu_stage(
            from_fetch,
            pool,
            gate.work(),
            to_writer,
            CancellationToken::new(),
        ));

        gate.wait_until(|s| s.inside == 2).await;
        settle().await;
        assert!(
            !stage.is_finished(),
            "the channel is closed, but the work on both items is still running: the stage must \
             wait for it and send its outcomes before it returns"
        );

        gate.open();
        stage.await.expect("the CPU stage panicked");
        let expected: Vec<Done> = items.iter().map(done_for).collect();
        assert_eq!(drain(&mut results), expected);
    });
}

#[test]
fn the_cpu_stage_runs_as_many_items_at_once_as_the_pool_has_threads_and_no_more() {
    on_paused_time("the CPU stage with a pool of 3 and 10 items", || async {
        let pool = cpu_pool(3);
        let gate = Gate::closed(&pool);
        let items: Vec<Fetched> = (0..10).map(|i| item(i, &format!("/item/{i}"))).collect();
        let (to_cpu, from_fetch) = mpsc::channel(10);
        for item in &items {
            to_cpu.try_send(item.clone()).expect("room in the channel");
        }
        let (to_writer, mut results) = mpsc::channel(100);
        let stage = tokio::spawn(cpu_stage(
            from_fetch,
            pool,
            gate.work(),
            to_writer,
            CancellationToken::new(),
        ));

        // Proves the three threads are used at once: the gate holds every item.
        gate.wait_until(|s| s.inside == 3).await;
        settle().await;
        let still_queued = to_cpu.max_capacity() - to_cpu.capacity();
        let taken = 10 - still_queued;
        assert!(
            taken <= 3 + 1,
            "the pool's 3 threads are busy, so the stage may hold at most one item more: it took \
             {taken} of the 10 items off the channel. Items it cannot start must stay in the \
             channel, or the fetch stage never feels the pool is full"
        );

        gate.open();
        drop(to_cpu);
        stage.await.expect("the CPU stage panicked");
        let stats = gate.stats();
        assert_eq!(
            stats.max_inside, 3,
            "never more than the pool's threads at once"
        );
        let expected: Vec<Done> = items.iter().map(done_for).collect();
        assert_eq!(drain(&mut results), expected, "every outcome sent, once");
    });
}

// ANCHOR: backpressure
#[test]
fn a_saturated_cpu_stage_makes_the_fetch_stage_wait() {
    on_paused_time(
        "the fetch and CPU stages with the CPU work held",
        || async {
            let sim = SimServer::new(Duration::ZERO);
            let urls: Vec<String> = paths("item", 40).iter().map(|p| sim.url(p)).collect();
            let (k, c, n) = (3, 2, 2);
            let pool = cpu_pool(n);
            let gate = Gate::closed(&pool);
            let (to_cpu, from_fetch) = mpsc::channel(c);
            let (to_writer, mut results) = mpsc::channel(100);
            let fetching = tokio::spawn(fetch_stage(
                Arc::new(sim.clone()),
                urls,
                config(k, c, 100),
                Arc::new(Semaphore::new(100)),
                to_cpu,
                CancellationToken::new(),
            ));
            let computing = tokio::spawn(cpu_stage(
                from_fetch,
                pool,
                gate.work(),
                to_writer,
                CancellationToken::new(),
            ));

            // The pool is saturated: both threads hold an item at the gate. Then nothing moves.
            gate.wait_until(|s| s.inside == n).await;
            settle().await;
            let received = sim.stats().received;
            assert!(
                received <= k + c + n + 1,
                "with the CPU stage saturated, the server may see at most K + C + N + 1 = {} \
             requests (K = {k} fetched or fetching, C = {c} in the channel, N = {n} at work, one \
             more the CPU stage may hold); it saw {received}: the fetcher must wait",
                k + c + n + 1
            );

            gate.open();
            let mut all = Vec::new();
            while let Some(done) = results.recv().await {
                all.push(done.index);
            }
            fetching.await.expect("the fetch stage panicked");
            computing.await.expect("the CPU stage panicked");
            assert_eq!(
                all.into_iter().collect::<BTreeSet<_>>(),
                (0..40).collect(),
                "once the gate opens, every item goes through"
            );
        },
    );
}
// ANCHOR_END: backpressure
