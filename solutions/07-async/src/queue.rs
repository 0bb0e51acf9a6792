use crate::fetch::fetch;

impl FetchQueue {
    pub fn start(addr: SocketAddr, capacity: usize) -> FetchQueue {
        let (jobs, queue) = mpsc::channel(capacity);
        let worker = tokio::spawn(work_through(addr, queue));
        FetchQueue { jobs, worker }
    }

    pub async fn submit(&self, path: impl Into<String>) -> Result<(), SubmitError> {
        self.jobs
            .send(path.into())
            .await
            .map_err(|error| SubmitError::Closed(error.0))
    }

    pub fn try_submit(&self, path: impl Into<String>) -> Result<(), SubmitError> {
        self.jobs
            .try_send(path.into())
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(path) => SubmitError::Full(path),
                mpsc::error::TrySendError::Closed(path) => SubmitError::Closed(path),
            })
    }

    pub async fn shutdown(self) -> Vec<Fetched> {
        // The worker's `recv` returns `None` once every sender is gone and the queue is empty.
        drop(self.jobs);
        match self.worker.await {
            Ok(results) => results,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("the queue's worker did not finish: {error}"),
        }
    }
}

/// The worker: takes jobs until the queue is closed and empty.
async fn work_through(addr: SocketAddr, mut queue: mpsc::Receiver<String>) -> Vec<Fetched> {
    let mut done = Vec::new();
    while let Some(path) = queue.recv().await {
        let result = fetch(addr, &path).await;
        done.push(Fetched { path, result });
    }
    done
}
