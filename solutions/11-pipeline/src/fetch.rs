use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

pub async fn fetch_with_retry<F: Fetch>(
    fetcher: &F,
    url: &str,
    policy: &Policy,
) -> Result<Vec<u8>, FetchError> {
    let mut pause = policy.backoff;
    let mut attempt = 1;
    loop {
        // Dropping the attempt's future when its time is up cancels the request.
        let result = timeout(policy.timeout, fetcher.fetch(url))
            .await
            .unwrap_or(Err(FetchError::TimedOut));
        match result {
            Err(error) if error.is_transient() && attempt < policy.attempts => {
                sleep(pause).await;
                pause = pause.saturating_mul(2);
                attempt += 1;
            }
            result => return result,
        }
    }
}

pub async fn fetch_stage<F: Fetch>(
    fetcher: Arc<F>,
    urls: Vec<String>,
    config: Config,
    window: Arc<Semaphore>,
    to_cpu: mpsc::Sender<Fetched>,
    cancel: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(config.in_flight));
    let mut fetches = JoinSet::new();
    let fetch_all = async {
        for (index, url) in urls.into_iter().enumerate() {
            // Admission in input order: a window permit, which the writer gives back...
            let Ok(admitted) = window.acquire().await else {
                return;
            };
            admitted.forget();
            // ...then one of the K slots, held until the channel has taken the item.
            let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                return;
            };
            let (fetcher, to_cpu, policy) = (Arc::clone(&fetcher), to_cpu.clone(), config.policy);
            fetches.spawn(async move {
                let body = fetch_with_retry(&*fetcher, &url, &policy).await;
                let _ = to_cpu.send(Fetched { index, url, body }).await;
                drop(slot);
            });
            // Forget the fetches that are over.
            while fetches.try_join_next().is_some() {}
        }
        while fetches.join_next().await.is_some() {}
    };
    tokio::select! {
        () = cancel.cancelled() => {}
        () = fetch_all => {}
    }
    // Cancelled: abort the fetches still running and wait until they are dropped, so that their
    // connections are closed when this returns.
    fetches.shutdown().await;
}
