//! What the pipeline is measured against (given, not an exercise): the same work done in two
//! phases, first every fetch, then every computation; and the pipeline one might write in a few
//! lines with the futures crate. The examples and benchmarks time them next to
//! [`crate::pipeline::run`].

use std::sync::Arc;

use futures_util::StreamExt;
use rayon::ThreadPool;
use rayon::prelude::*;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::http::{Fetch, FetchError};
use crate::item::{ItemError, Outcome, Work};
use crate::transform::Transform;

// ANCHOR: fetch_then_compute
/// Fetches every URL (at most `in_flight` at once, one attempt each, on `runtime`), and only
/// when they have all arrived, does `work` on every body on `pool`. Returns the outcomes in input
/// order.
pub fn fetch_then_compute<F: Fetch>(
    runtime: &Runtime,
    urls: &[String],
    fetcher: Arc<F>,
    in_flight: usize,
    work: &Work,
    pool: &ThreadPool,
) -> Vec<Outcome> {
    // Phase 1: the network. The CPU pool has nothing to do.
    let bodies: Vec<Result<Vec<u8>, FetchError>> = runtime.block_on(async {
        let slots = Arc::new(Semaphore::new(in_flight));
        let mut fetches = JoinSet::new();
        for (index, url) in urls.iter().cloned().enumerate() {
            let slot = Arc::clone(&slots)
                .acquire_owned()
                .await
                .expect("never closed");
            let fetcher = Arc::clone(&fetcher);
            fetches.spawn(async move {
                let body = fetcher.fetch(&url).await;
                drop(slot);
                (index, body)
            });
        }
        let mut bodies = vec![Err(FetchError::Malformed); urls.len()];
        while let Some(done) = fetches.join_next().await {
            let (index, body) = done.expect("a fetch does not panic");
            bodies[index] = body;
        }
        bodies
    });
    // Phase 2: the CPU. The network has nothing to do.
    pool.install(|| bodies.into_par_iter().map(|body| work(body)).collect())
}
// ANCHOR_END: fetch_then_compute

// ANCHOR: buffered
/// What one might write with the futures crate: each URL becomes one future that fetches, then
/// computes on Tokio's blocking pool; `buffered(k)` runs `k` of them at once and yields their
/// outcomes in input order.
pub async fn buffered_pipeline<F: Fetch>(
    urls: &[String],
    fetcher: Arc<F>,
    transform: &Arc<Transform>,
    k: usize,
) -> Vec<Outcome> {
    futures_util::stream::iter(urls.iter().cloned())
        .map(|url| {
            let (fetcher, transform) = (Arc::clone(&fetcher), Arc::clone(transform));
            async move {
                let body = fetcher.fetch(&url).await.map_err(ItemError::Fetch)?;
                tokio::task::spawn_blocking(move || transform(&body))
                    .await
                    .expect("the transform does not panic")
                    .map_err(ItemError::Transform)
            }
        })
        .buffered(k)
        .collect()
        .await
}
// ANCHOR_END: buffered
