//! The thread-based ways to fetch many resources (given, not an exercise), for comparison with
//! the async ones in the benchmarks and the `io_table` example. Each uses [`fetch_blocking`]: a
//! thread that waits for the network is blocked in the operating system, so waiting on many
//! requests at once takes many threads.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::http::{FetchError, fetch_blocking};

/// One path after another, on the calling thread.
pub fn fetch_sequential_blocking(
    addr: SocketAddr,
    paths: &[&str],
) -> Vec<Result<String, FetchError>> {
    paths
        .iter()
        .map(|path| fetch_blocking(addr, path))
        .collect()
}

// ANCHOR: thread_per_request
/// Every path on a thread of its own, all at once; results in the order of `paths`.
pub fn fetch_thread_per_request(
    addr: SocketAddr,
    paths: &[&str],
) -> Vec<Result<String, FetchError>> {
    thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .map(|&path| s.spawn(move || fetch_blocking(addr, path)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
// ANCHOR_END: thread_per_request

/// A pool of `threads` worker threads that take the next path until none is left: at most
/// `threads` requests in flight. Results in the order of `paths`.
///
/// # Panics
///
/// If `threads` is 0.
pub fn fetch_with_thread_pool(
    addr: SocketAddr,
    paths: &[&str],
    threads: usize,
) -> Vec<Result<String, FetchError>> {
    assert!(threads > 0, "a pool needs at least one thread");
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<String, FetchError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|s| {
        for _ in 0..threads.min(paths.len()) {
            s.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(index) else { break };
                    let result = fetch_blocking(addr, path);
                    *results[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every index below paths.len() was taken by a worker")
        })
        .collect()
}
