use crate::concurrent::collect_in_order;
use crate::fetch::fetch;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn fetch_bounded(
    addr: SocketAddr,
    paths: &[&str],
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    assert!(limit > 0, "fetch_bounded needs a limit of at least 1");
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for (index, path) in paths.iter().enumerate() {
        let path = path.to_string();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            // Held until the end of the task: the request is in flight while we hold it.
            let _permit = permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            (index, fetch(addr, &path).await)
        });
    }
    collect_in_order(tasks, paths.len()).await
}
