use tokio::sync::Semaphore;

pub async fn cpu_stage(
    mut from_fetch: mpsc::Receiver<Fetched>,
    pool: Arc<ThreadPool>,
    work: Work,
    to_writer: mpsc::Sender<Done>,
    cancel: CancellationToken,
) {
    let workers = pool.current_num_threads();
    let free = Arc::new(Semaphore::new(workers));
    loop {
        // A free worker first, then an item: the stage never takes an item it cannot start, so
        // a busy pool leaves the items in the channel and the fetch stage waits.
        let worker = tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            worker = Arc::clone(&free).acquire_owned() => worker.expect("the semaphore is never closed"),
        };
        let item = tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            item = from_fetch.recv() => match item {
                Some(item) => item,
                None => break,
            },
        };
        let (work, to_writer) = (Arc::clone(&work), to_writer.clone());
        pool.spawn(move || {
            let Fetched { index, url, body } = item;
            let outcome = work(body);
            // A pool thread is not inside the runtime: it may block on a full channel.
            let _ = to_writer.blocking_send(Done {
                index,
                url,
                outcome,
            });
            drop(worker);
        });
    }
    // Every worker free again: all the work started is finished and its outcome sent.
    let all = u32::try_from(workers).expect("a pool has fewer than 2^32 threads");
    let _ = free.acquire_many(all).await;
}
