//! Exercise 7.2: fetch many resources at once, as tasks in a `JoinSet`.

use std::net::SocketAddr;

use tokio::task::JoinSet;

use crate::fetch::fetch;
use crate::http::FetchError;

// ANCHOR: fetch_all
/// Fetches every path at the same time, each request in a task of its own, and returns the
/// results in the order of `paths` (not the order in which the answers arrive).
///
/// All the requests are in flight together: a request is sent without waiting for any answer.
/// No paths, no requests: the result is empty.
///
/// # Panics
///
/// With the same payload if a task panics.
pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    let mut tasks = JoinSet::new();
    for (index, path) in paths.iter().enumerate() {
        let path = path.to_string();
        tasks.spawn(async move { (index, fetch(addr, &path).await) });
    }
    collect_in_order(tasks, paths.len()).await
}
// ANCHOR_END: fetch_all

/// Waits for every task of `tasks`, each of which returns its index and its result, and puts the
/// results in index order.
///
/// # Panics
///
/// With the task's own payload if a task panicked; if a task was cancelled (the runtime is
/// shutting down).
pub(crate) async fn collect_in_order<T: 'static>(
    mut tasks: JoinSet<(usize, T)>,
    count: usize,
) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => slots[index] = Some(result),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a fetch task did not finish: {error}"),
        }
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every task reports exactly one result"))
        .collect()
}
