//! The tools of the chapter, each in a few lines that run: a semaphore used as a window of
//! permits, the hand-over from a Tokio task to a rayon pool (and the `spawn_blocking` way),
//! cancellation with a `CancellationToken`, and a panic caught before it leaves a pool's job.
//! Uses only given code and the crates, so it runs before any exercise is done:
//! `cargo run -p lab-pipeline --example tools`.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use rayon::ThreadPoolBuilder;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

// ANCHOR: permits
/// A semaphore as a window: whoever takes a permit keeps it (`forget`), and someone else gives
/// it back later (`add_permits`), when the item it stood for is done.
async fn window_of_permits() {
    let window = Semaphore::new(2);
    for item in 0..2 {
        window.acquire().await.expect("never closed").forget();
        println!(
            "  item {item} admitted, {} permits left",
            window.available_permits()
        );
    }
    println!(
        "  item 2 must wait: try_acquire says {:?}",
        window.try_acquire().err()
    );
    window.add_permits(1); // item 0 is done: its permit comes back
    window.acquire().await.expect("never closed").forget();
    println!("  item 2 admitted once item 0 was done");
}
// ANCHOR_END: permits

// ANCHOR: hand_over
/// From a Tokio task to a rayon pool and back: the job runs on a pool thread, and its result
/// comes back through a oneshot channel that the task awaits without blocking its thread.
async fn rayon_and_back(pool: &rayon::ThreadPool) -> String {
    let (reply, result) = oneshot::channel();
    pool.spawn(move || {
        let sum: u64 = (0..10_000_000u64).sum(); // CPU work, off the runtime's threads
        let thread = std::thread::current().name().unwrap_or("?").to_owned();
        let _ = reply.send(format!("{sum} computed on {thread}"));
    });
    result.await.expect("the job sends its result")
}

/// The same with Tokio's blocking pool: simpler (the handle is the channel), but that pool is
/// made for waiting, with up to 512 threads, not for computing on as many threads as cores.
async fn blocking_pool_and_back() -> String {
    tokio::task::spawn_blocking(|| {
        let sum: u64 = (0..10_000_000u64).sum();
        let thread = std::thread::current().name().unwrap_or("?").to_owned();
        format!("{sum} computed on {thread}")
    })
    .await
    .expect("the closure does not panic")
}
// ANCHOR_END: hand_over

// ANCHOR: bounded_send
/// A pool thread is not inside the runtime, so it may *block* on a Tokio channel: a full bounded
/// channel makes the job wait there, which is backpressure reaching the pool.
fn send_from_the_pool(pool: &rayon::ThreadPool, results: mpsc::Sender<u64>) {
    pool.spawn(move || {
        let square = 12 * 12;
        let _ = results.blocking_send(square); // never call this on a runtime thread
    });
}
// ANCHOR_END: bounded_send

// ANCHOR: cancel
/// Three slow tasks, cancelled by one token: each task races its work against the token, and
/// the JoinSet's `shutdown` aborts whatever has not noticed yet and waits until it is gone.
async fn cancelled_by_a_token() {
    let token = CancellationToken::new();
    let mut tasks = JoinSet::new();
    for n in 0..3u64 {
        let token = token.child_token();
        tasks.spawn(async move {
            tokio::select! {
                () = token.cancelled() => println!("  task {n}: cancelled"),
                () = sleep(Duration::from_secs(60 + n)) => println!("  task {n}: done"),
            }
        });
    }
    sleep(Duration::from_millis(50)).await;
    token.cancel(); // every child token is cancelled with it
    tasks.shutdown().await; // when this returns, no task of the set is left
    println!("  all tasks gone");
}
// ANCHOR_END: cancel

// ANCHOR: catch
/// A panic inside a job on a rayon pool would abort the whole program (rayon's default for
/// `spawn`). Caught inside the job, it is just a value.
fn panic_caught_in_the_job(pool: &rayon::ThreadPool) -> String {
    let (reply, result) = std::sync::mpsc::channel();
    pool.spawn(move || {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| -> u64 {
            panic!("this body is garbage");
        }));
        let text = match outcome {
            Ok(value) => format!("value {value}"),
            Err(payload) => match payload.downcast_ref::<&str>() {
                Some(message) => format!("caught a panic: {message}"),
                None => "caught a panic without a message".to_owned(),
            },
        };
        let _ = reply.send(text);
    });
    result.recv().expect("the job replies")
}
// ANCHOR_END: catch

#[tokio::main]
async fn main() {
    let pool = Arc::new(
        ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("cpu-{i}"))
            .build()
            .expect("a pool"),
    );
    println!("a semaphore as a window of permits:");
    window_of_permits().await;
    println!("the hand-over:");
    println!("  rayon:          {}", rayon_and_back(&pool).await);
    println!("  spawn_blocking: {}", blocking_pool_and_back().await);
    let (results, mut received) = mpsc::channel(1);
    send_from_the_pool(&pool, results);
    println!("  sent from the pool: {:?}", received.recv().await);
    println!("cancellation:");
    cancelled_by_a_token().await;
    println!("a panic in a pool's job:");
    // The default hook would print the panic's message as well; the example prints its own.
    panic::set_hook(Box::new(|_| {}));
    println!("  {}", panic_caught_in_the_job(&pool));
}
