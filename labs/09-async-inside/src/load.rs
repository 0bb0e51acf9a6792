//! The load generator of `benches/server.rs` and `examples/load.rs` (given, not an exercise):
//! many clients at once, each sending requests one after another and timing each answer.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// From the first connection to the last answer.
    pub elapsed: Duration,
    /// The time of each request, from sending it to reading its answer, shortest first.
    pub latencies: Vec<Duration>,
}

impl LoadReport {
    /// Requests answered per second.
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which `percent` % of the requests were answered (`50.0`: the median).
    pub fn percentile(&self, percent: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (percent / 100.0 * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// Runs `clients` clients at once against the server at `addr`, as tasks of the current runtime.
/// Each connects and sends `requests` requests, one after another (`SET` and `GET` of a key of
/// its own, alternately), each after the answer to the previous one.
pub async fn run_clients(
    addr: SocketAddr,
    clients: usize,
    requests: usize,
) -> io::Result<LoadReport> {
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for client in 0..clients {
        tasks.spawn(one_client(addr, client, requests));
    }
    let mut latencies = Vec::with_capacity(clients * requests);
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done.map_err(io::Error::other)??);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Ok(LoadReport { elapsed, latencies })
}

async fn one_client(addr: SocketAddr, client: usize, requests: usize) -> io::Result<Vec<Duration>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut answer = String::new();
    let mut latencies = Vec::with_capacity(requests);
    for i in 0..requests {
        let request = if i % 2 == 0 {
            format!("SET client/{client} {i}\n")
        } else {
            format!("GET client/{client}\n")
        };
        let sent = Instant::now();
        writer.write_all(request.as_bytes()).await?;
        answer.clear();
        if reader.read_line(&mut answer).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        latencies.push(sent.elapsed());
    }
    Ok(latencies)
}
