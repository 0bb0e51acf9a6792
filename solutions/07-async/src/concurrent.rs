use crate::fetch::fetch;
use tokio::task::JoinSet;

pub async fn fetch_all(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    let mut tasks = JoinSet::new();
    for (index, path) in paths.iter().enumerate() {
        let path = path.to_string();
        tasks.spawn(async move { (index, fetch(addr, &path).await) });
    }
    collect_in_order(tasks, paths.len()).await
}

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
