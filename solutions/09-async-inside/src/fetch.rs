use crate::blocking_io::LineConnection;

pub async fn fetch(addr: SocketAddr, line: String) -> io::Result<String> {
    let connection = LineConnection::connect(addr).await?;
    connection.send_line(&line).await?;
    connection.read_line().await
}

pub async fn fetch_all(
    executor: Executor,
    addr: SocketAddr,
    lines: Vec<String>,
) -> Vec<io::Result<String>> {
    // Spawn them all first: each request is on its way before we wait for any answer.
    let handles: Vec<_> = lines
        .into_iter()
        .map(|line| executor.spawn(fetch(addr, line)))
        .collect();
    // Awaiting the handles in order gives the results in order; the tasks all run meanwhile.
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await);
    }
    results
}
