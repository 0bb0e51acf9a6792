use crate::http::parse_response;
use crate::http::request_for;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

pub async fn fetch(addr: SocketAddr, path: &str) -> Result<String, FetchError> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&request_for(path)).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    parse_response(&response)
}

pub async fn fetch_sequential(addr: SocketAddr, paths: &[&str]) -> Vec<Result<String, FetchError>> {
    let mut results = Vec::with_capacity(paths.len());
    for path in paths {
        results.push(fetch(addr, path).await);
    }
    results
}
