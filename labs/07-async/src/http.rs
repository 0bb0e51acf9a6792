//! The client side of the lab's HTTP subset (given, not an exercise): the request to send, how
//! to read the answer, the errors a fetch can end with, and a blocking fetch for comparison.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// Why a fetch produced no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// Connecting, sending or receiving failed.
    Io(io::ErrorKind),
    /// The server answered with a status other than `200`.
    Status(u16),
    /// The answer was not an HTTP response this client understands.
    Malformed,
    /// No answer came within the time limit (Exercise 7.4).
    TimedOut,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Io(kind) => write!(f, "I/O error: {kind}"),
            FetchError::Status(code) => write!(f, "the server answered with status {code}"),
            FetchError::Malformed => f.write_str("the answer is not a well-formed HTTP response"),
            FetchError::TimedOut => f.write_str("no answer within the time limit"),
        }
    }
}

impl std::error::Error for FetchError {}

impl From<io::Error> for FetchError {
    fn from(error: io::Error) -> Self {
        FetchError::Io(error.kind())
    }
}

/// The bytes of a `GET` request for `path`.
///
/// Send them and then read the answer to the end of the stream (the server closes the
/// connection after answering). Do not shut down your side of the connection before that: the
/// server takes the end of your stream as "the client hung up" and cancels the request.
pub fn request_for(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Reads a whole response (everything the server sent, up to the end of the stream) and returns
/// its body if the status is `200`.
pub fn parse_response(response: &[u8]) -> Result<String, FetchError> {
    let text = std::str::from_utf8(response).map_err(|_| FetchError::Malformed)?;
    let (head, body) = text.split_once("\r\n\r\n").ok_or(FetchError::Malformed)?;
    let status_line = head.lines().next().ok_or(FetchError::Malformed)?;
    let mut words = status_line.split_whitespace();
    let (Some(version), Some(code)) = (words.next(), words.next()) else {
        return Err(FetchError::Malformed);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(FetchError::Malformed);
    }
    match code.parse::<u16>() {
        Ok(200) => Ok(body.to_owned()),
        Ok(code) => Err(FetchError::Status(code)),
        Err(_) => Err(FetchError::Malformed),
    }
}

/// Fetches `path` from the server at `addr` with blocking I/O from `std::net`: the calling
/// thread waits in the operating system until the answer is complete. The benchmarks use it for
/// the thread-based rows of the I/O table.
pub fn fetch_blocking(addr: SocketAddr, path: &str) -> Result<String, FetchError> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(&request_for(path))?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    parse_response(&response)
}
