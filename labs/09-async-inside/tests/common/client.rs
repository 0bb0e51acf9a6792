//! Half 2: a line client for the tests, and bounded waits on the server's counters.

use std::net::SocketAddr;

use lab_async_inside::server::Server;
use lab_async_inside::state::{Config, Stats};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpSocket, TcpStream};

use super::PATIENCE;

/// Starts the lab's server with `config`, or fails the test.
pub async fn start_server(config: Config) -> Server {
    Server::start(config)
        .await
        .unwrap_or_else(|error| panic!("could not start the lab's server: {error}"))
}

/// Awaits `future`, failing the test with `what` if it has not finished within [`PATIENCE`].
pub async fn within_patience<T>(what: &str, future: impl Future<Output = T>) -> T {
    lab_support::tokio::within_patience(what, future).await
}

/// Waits until the server's counters satisfy `condition` and returns them; fails the test with
/// `expected` and the counters as they were if that does not happen within [`PATIENCE`].
pub async fn wait_for_stats(
    server: &Server,
    expected: &str,
    condition: impl Fn(&Stats) -> bool,
) -> Stats {
    let mut stats = server.watch_stats();
    let waited = tokio::time::timeout(PATIENCE, stats.wait_for(|s| condition(s))).await;
    match waited {
        Ok(Ok(stats)) => *stats,
        _ => panic!(
            "waited {PATIENCE:?} for the server to get here: {expected}; it never did. The \
             server's counters: {:?}",
            server.stats()
        ),
    }
}

/// One client connection, reading and writing lines.
pub struct Client {
    name: String,
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    /// Connects to `addr`; `name` names the client in failure messages.
    pub async fn connect(addr: SocketAddr, name: &str) -> Client {
        let stream = within_patience(&format!("connecting {name}"), TcpStream::connect(addr))
            .await
            .unwrap_or_else(|error| panic!("{name} could not connect to the server: {error}"));
        Client::from_stream(stream, name)
    }

    /// Connects with a receive buffer of about `bytes`: a client that stops reading then backs
    /// up to the server after a few kilobytes instead of several megabytes.
    pub async fn connect_with_small_buffer(addr: SocketAddr, name: &str, bytes: u32) -> Client {
        let socket = TcpSocket::new_v4().expect("a TCP socket");
        socket
            .set_recv_buffer_size(bytes)
            .expect("setting the receive buffer size");
        let stream = within_patience(&format!("connecting {name}"), socket.connect(addr))
            .await
            .unwrap_or_else(|error| panic!("{name} could not connect to the server: {error}"));
        Client::from_stream(stream, name)
    }

    fn from_stream(stream: TcpStream, name: &str) -> Client {
        stream.set_nodelay(true).expect("TCP_NODELAY");
        let (reader, writer) = stream.into_split();
        Client {
            name: name.to_owned(),
            reader: BufReader::new(reader),
            writer,
        }
    }

    /// Sends `line` and a `\n`.
    pub async fn send(&mut self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        self.send_raw(&bytes).await;
    }

    /// Sends `bytes` as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let name = self.name.clone();
        within_patience(&format!("{name} sending"), self.writer.write_all(bytes))
            .await
            .unwrap_or_else(|error| panic!("{name} could not send: {error}"));
    }

    /// The next line from the server, without its `\n`. Fails the test, saying that the client
    /// was waiting for `what`, if the server closes the connection or sends nothing within
    /// [`PATIENCE`].
    pub async fn line(&mut self, what: &str) -> String {
        let mut line = String::new();
        let read = tokio::time::timeout(PATIENCE, self.reader.read_line(&mut line)).await;
        match read {
            Ok(Ok(0)) => panic!(
                "{} was waiting for {what}, but the server closed the connection",
                self.name
            ),
            Ok(Ok(_)) => line.strip_suffix('\n').unwrap_or(&line).to_owned(),
            Ok(Err(error)) => panic!(
                "{} was waiting for {what}, but reading failed: {error}",
                self.name
            ),
            Err(_) => panic!(
                "{} waited {PATIENCE:?} for {what}, and nothing came (the server is stuck, or \
                 waits for something)",
                self.name
            ),
        }
    }

    /// Sends `line` and returns the next line from the server.
    pub async fn request(&mut self, line: &str) -> String {
        self.send(line).await;
        self.line(&format!("the reply to {line:?}")).await
    }

    /// Waits until the server closes the connection; fails the test if a line comes instead, or
    /// if nothing happens within [`PATIENCE`]. `why` says why the server should close it.
    pub async fn expect_closed(&mut self, why: &str) {
        let mut line = String::new();
        let read = tokio::time::timeout(PATIENCE, self.reader.read_line(&mut line)).await;
        match read {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(_)) => panic!(
                "{}: expected the server to close the connection ({why}), but it sent {:?}",
                self.name,
                line.trim_end()
            ),
            Err(_) => panic!(
                "{}: waited {PATIENCE:?} for the server to close the connection ({why}); it \
                 stayed open",
                self.name
            ),
        }
    }
}
