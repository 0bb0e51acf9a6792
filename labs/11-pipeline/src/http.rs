//! The client side (given, not an exercise): what a fetch can end with, the [`Fetch`] trait the
//! pipeline fetches through, and [`HttpClient`], the real one, which speaks the servers' small
//! HTTP subset (lab 07 wrote it by hand; here it is given).

use std::fmt;
use std::future::Future;
use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Why a fetch produced no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// Connecting, sending or receiving failed.
    Io(io::ErrorKind),
    /// The server answered with a status other than `200`.
    Status(u16),
    /// The answer was not an HTTP response this client understands.
    Malformed,
    /// No answer came within the time limit of an attempt.
    TimedOut,
    /// The URL is not of the form `http://HOST:PORT/PATH`.
    BadUrl,
}

impl FetchError {
    /// Whether trying again may help: a time-out, an I/O error or a `5xx` status (the server's
    /// trouble, maybe passing). Any other status (`404`: the resource is not there), a malformed
    /// answer or a bad URL will be the same next time.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::TimedOut | FetchError::Io(_) => true,
            FetchError::Status(code) => (500..600).contains(code),
            FetchError::Malformed | FetchError::BadUrl => false,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Io(kind) => write!(f, "I/O error: {kind}"),
            FetchError::Status(code) => write!(f, "the server answered with status {code}"),
            FetchError::Malformed => f.write_str("the answer is not a well-formed HTTP response"),
            FetchError::TimedOut => f.write_str("no answer within the time limit"),
            FetchError::BadUrl => f.write_str("not a URL of the form http://HOST:PORT/PATH"),
        }
    }
}

impl std::error::Error for FetchError {}

impl From<io::Error> for FetchError {
    fn from(error: io::Error) -> Self {
        FetchError::Io(error.kind())
    }
}

// ANCHOR: fetch_trait
/// Something the pipeline can fetch URLs from: [`HttpClient`] over the network, or the lab's
/// simulated server ([`crate::sim::SimServer`]) in tests.
///
/// `fetch` makes **one** attempt, with no time limit: time limits and retries are the fetch
/// stage's job (Exercise 11.1). Dropping the future before it completes abandons the request
/// (for [`HttpClient`], the connection is closed).
pub trait Fetch: Send + Sync + 'static {
    fn fetch(&self, url: &str) -> impl Future<Output = Result<Vec<u8>, FetchError>> + Send;
}
// ANCHOR_END: fetch_trait

/// Fetches `http://HOST:PORT/PATH` URLs with one `GET` per connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpClient;

impl Fetch for HttpClient {
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let (authority, path) = split_url(url).ok_or(FetchError::BadUrl)?;
        let mut stream = TcpStream::connect(authority).await?;
        stream.write_all(&request_for(path)).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        parse_response(&response)
    }
}

/// Splits `http://HOST:PORT/PATH` into `HOST:PORT` and `/PATH` (the path may be empty: `/`).
/// `None` if `url` is not of that form.
pub fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let (host, port) = authority.rsplit_once(':')?;
    let valid =
        !host.is_empty() && port.parse::<u16>().is_ok() && !path.contains(char::is_whitespace);
    valid.then_some((authority, path))
}

/// The bytes of a `GET` request for `path`.
pub fn request_for(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Reads a whole response (everything the server sent, up to the end of the stream) and returns
/// its body if the status is `200`.
pub fn parse_response(response: &[u8]) -> Result<Vec<u8>, FetchError> {
    let end_of_head = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(FetchError::Malformed)?;
    let head = std::str::from_utf8(&response[..end_of_head]).map_err(|_| FetchError::Malformed)?;
    let body = &response[end_of_head + 4..];
    let status_line = head.lines().next().ok_or(FetchError::Malformed)?;
    let mut words = status_line.split_whitespace();
    let (Some(version), Some(code)) = (words.next(), words.next()) else {
        return Err(FetchError::Malformed);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(FetchError::Malformed);
    }
    match code.parse::<u16>() {
        Ok(200) => Ok(body.to_vec()),
        Ok(code) => Err(FetchError::Status(code)),
        Err(_) => Err(FetchError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:80/a/b"),
            Some(("127.0.0.1:80", "/a/b"))
        );
        assert_eq!(
            split_url("http://localhost:8080"),
            Some(("localhost:8080", "/"))
        );
        assert_eq!(split_url("https://127.0.0.1:80/a"), None);
        assert_eq!(split_url("http://127.0.0.1/a"), None);
        assert_eq!(split_url("http://127.0.0.1:99999/a"), None);
        assert_eq!(split_url("http://127.0.0.1:80/a b"), None);
    }

    #[test]
    fn responses_parse() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n\xff\x00";
        assert_eq!(parse_response(ok), Ok(vec![0xff, 0]));
        let missing = b"HTTP/1.1 404 Not Found\r\n\r\nnothing";
        assert_eq!(parse_response(missing), Err(FetchError::Status(404)));
        assert_eq!(parse_response(b"garbage"), Err(FetchError::Malformed));
    }

    #[test]
    fn only_passing_troubles_are_transient() {
        assert!(FetchError::TimedOut.is_transient());
        assert!(FetchError::Status(503).is_transient());
        assert!(FetchError::Io(io::ErrorKind::ConnectionReset).is_transient());
        assert!(!FetchError::Status(404).is_transient());
        assert!(!FetchError::BadUrl.is_transient());
    }
}
