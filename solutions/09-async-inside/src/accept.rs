use std::time::Duration;
use tokio_util::task::TaskTracker;

pub async fn serve<H, F>(listener: TcpListener, shutdown: CancellationToken, mut handler: H)
where
    H: FnMut(TcpStream, CancellationToken) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let tracker = TaskTracker::new();
    loop {
        tokio::select! {
            // Shutdown first: once it is signalled, no connection is accepted any more.
            biased;
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    tracker.spawn(handler(stream, shutdown.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    // `wait` returns once the tracker is closed *and* empty.
    tracker.close();
    // Close the listening socket before waiting: new connections are refused from now on,
    // instead of piling up in the backlog while the last handlers finish.
    drop(listener);
    tracker.wait().await;
}
