//! The chapter's first programs: futures, `.await`, tasks, `join!`, `JoinSet` and `select!`.
//! Uses only tokio, so it runs before any exercise is done:
//! `cargo run -p lab-async --example first_tasks`.

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

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
    println!("select!:");
    first_wins().await;
}
