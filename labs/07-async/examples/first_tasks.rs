//! The chapter's first programs: futures, `.await`, tasks, `join!`, `JoinSet`, local tasks,
//! timeouts, async closures and `select!`.
//! Uses only tokio, so it runs before any exercise is done:
//! `cargo run -p lab-async --example first_tasks`.

use std::rc::Rc;
use std::time::Duration;

use tokio::task::{JoinSet, LocalSet};
use tokio::time::{Instant, sleep, timeout};

// ANCHOR: lazy
/// Pretends to download `name`: waits `millis` ms without blocking the thread.
async fn download(name: &str, millis: u64) -> String {
    println!("  start {name}");
    sleep(Duration::from_millis(millis)).await;
    println!("  done  {name}");
    format!("contents of {name}")
}

async fn lazy_futures() {
    let future = download("never.csv", 100); // nothing happens yet: a future is inert
    drop(future); // ...and dropping it cancels it before it ever started
    let body = download("now.csv", 100).await; // `.await` runs it to the end
    println!("  got {body:?}");
}
// ANCHOR_END: lazy

// ANCHOR: join
async fn one_after_another_then_together() {
    let start = Instant::now();
    download("a.csv", 200).await;
    download("b.csv", 200).await;
    println!("  in turn: {:?}", start.elapsed()); // about 400 ms

    let start = Instant::now();
    let (a, b) = tokio::join!(download("a.csv", 200), download("b.csv", 200));
    println!(
        "  join!:   {:?} ({} + {} bytes)",
        start.elapsed(),
        a.len(),
        b.len()
    ); // about 200 ms
}
// ANCHOR_END: join

// ANCHOR: joinset
async fn many_tasks() {
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..1000 {
        // A task owns its future (`'static`): it cannot borrow from this function.
        tasks.spawn(async move {
            sleep(Duration::from_millis(200)).await;
            i * 2
        });
    }
    let mut total = 0;
    while let Some(joined) = tasks.join_next().await {
        total += joined.expect("the task did not panic");
    }
    println!(
        "  1000 tasks of 200 ms: total {total} in {:?}",
        start.elapsed()
    );
}
// ANCHOR_END: joinset

// ANCHOR: local
async fn local_tasks() {
    // `Rc` is not `Send`, so a future that holds one across an `.await` is not `Send` either:
    // `tokio::spawn` refuses it, on every runtime. `spawn_local` accepts it, inside a `LocalSet`,
    // whose tasks all run on the thread that drives the set.
    let local = LocalSet::new();
    local
        .run_until(async {
            let name = Rc::new(String::from("local.csv"));
            let task = tokio::task::spawn_local(async move {
                let body = download(&name, 50).await;
                body.len() + Rc::strong_count(&name)
            });
            println!("  a local task returned {}", task.await.expect("no panic"));
        })
        .await;
}
// ANCHOR_END: local

// ANCHOR: timeout
async fn with_a_time_limit() {
    // `timeout` polls the download until it is done or 100 ms have passed; then it drops it.
    match timeout(Duration::from_millis(100), download("huge.csv", 1000)).await {
        Ok(body) => println!("  in time: {body}"),
        Err(elapsed) => println!("  gave up: {elapsed}"), // "deadline has elapsed"
    }
}
// ANCHOR_END: timeout

// ANCHOR: async_closure
/// Calls `fetch` on every name, one after another, and returns the total length. `fetch` is an
/// async closure: calling it gives a future, which may borrow both the name it was given and
/// what the closure captured. `AsyncFnMut`, because calling it may change what it captured.
async fn total_length(names: &[&str], mut fetch: impl AsyncFnMut(&str) -> String) -> usize {
    let mut total = 0;
    for name in names {
        total += fetch(name).await.len();
    }
    total
}

async fn async_closures() {
    let mut calls = 0;
    // The closure borrows `calls` mutably and each call's future borrows its `name`.
    let counting_download = async |name: &str| {
        calls += 1;
        download(name, 10).await
    };
    let total = total_length(&["x.csv", "y.csv"], counting_download).await;
    println!("  {calls} calls, {total} bytes");
}
// ANCHOR_END: async_closure

// ANCHOR: select
async fn first_wins() {
    let outcome = tokio::select! {
        body = download("slow-mirror.csv", 500) => format!("slow mirror: {body}"),
        body = download("fast-mirror.csv", 50) => format!("fast mirror: {body}"),
    };
    // The slow download was dropped mid-way: its "done" line never prints.
    println!("  {outcome}");
}
// ANCHOR_END: select

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("lazy futures:");
    lazy_futures().await;
    println!("sequential, then join!:");
    one_after_another_then_together().await;
    println!("a JoinSet of tasks:");
    many_tasks().await;
    println!("a local task:");
    local_tasks().await;
    println!("a time limit:");
    with_a_time_limit().await;
    println!("async closures:");
    async_closures().await;
    println!("select!:");
    first_wins().await;
}
