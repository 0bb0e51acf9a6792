use tokio::time::sleep;
use tokio::time::timeout;

pub async fn fetch_each_within(
    paths: &[&str],
    mut fetch: impl AsyncFnMut(&str) -> Result<String, FetchError>,
    per_request: Duration,
    whole_batch: Duration,
) -> Result<Vec<Result<String, FetchError>>, BatchTimedOut> {
    let batch = async {
        let mut results = Vec::with_capacity(paths.len());
        for path in paths {
            let result = timeout(per_request, fetch(path))
                .await
                .unwrap_or(Err(FetchError::TimedOut));
            results.push(result);
        }
        results
    };
    timeout(whole_batch, batch).await.map_err(|_| BatchTimedOut)
}

pub async fn fetch_with_retry(
    path: &str,
    mut fetch: impl AsyncFnMut(&str) -> Result<String, FetchError>,
    attempts: u32,
    backoff: Duration,
) -> Result<String, FetchError> {
    assert!(attempts > 0, "fetch_with_retry needs at least one attempt");
    let mut attempt = 1;
    loop {
        match fetch(path).await {
            Ok(body) => return Ok(body),
            Err(error) if attempt == attempts => return Err(error),
            Err(_) => {
                attempt += 1;
                sleep(backoff).await;
            }
        }
    }
}
