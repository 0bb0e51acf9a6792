//! The line protocol of the Half 2 server (given, not an exercise).
//!
//! A client sends one request per line; the server answers each request with one line, in order:
//!
//! | request | reply |
//! | --- | --- |
//! | `PING` | `PONG` |
//! | `GET key` | `VALUE value`, or `NONE` if the key has no value |
//! | `SET key value` | `OK` (the value is the rest of the line, spaces included) |
//! | `JOIN` | `OK`; from then on, the client also receives the room's lines |
//! | `SAY text` | `OK n`: the text went to the `n` members of the room |
//! | anything else | `ERR ` and what is wrong |
//!
//! A member of the room receives, between replies (never inside one), `MSG text` for every
//! `SAY text` of anyone (itself included) since it joined, and `LAGGED n` if it fell so far behind
//! that the room dropped `n` messages before it could receive them. A line longer than the
//! server's limit is answered with [`LINE_TOO_LONG`], and the server closes that connection.

/// The reply to a request line longer than the server's limit; the connection closes after it.
pub const LINE_TOO_LONG: &str = "ERR line too long";

/// A request, parsed from one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Ping,
    Get { key: String },
    Set { key: String, value: String },
    Join,
    Say { text: String },
}

impl Request {
    /// Parses a request line (without its `\n`). `Err` holds what is wrong, for the reply
    /// `ERR …`.
    pub fn parse(line: &str) -> Result<Request, String> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
        match (command, rest) {
            ("PING", "") => Ok(Request::Ping),
            ("JOIN", "") => Ok(Request::Join),
            ("GET", key) if is_key(key) => Ok(Request::Get {
                key: key.to_owned(),
            }),
            ("SET", rest) => match rest.split_once(' ') {
                Some((key, value)) if is_key(key) => Ok(Request::Set {
                    key: key.to_owned(),
                    value: value.to_owned(),
                }),
                _ => Err("usage: SET key value".to_owned()),
            },
            ("SAY", text) => Ok(Request::Say {
                text: text.to_owned(),
            }),
            ("GET", _) => Err("usage: GET key".to_owned()),
            _ => Err(format!("unknown request {command:?}")),
        }
    }

    /// The key the request is about, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            Request::Get { key } | Request::Set { key, .. } => Some(key),
            _ => None,
        }
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse() {
        assert_eq!(Request::parse("PING"), Ok(Request::Ping));
        assert_eq!(
            Request::parse("SET k a b"),
            Ok(Request::Set {
                key: "k".into(),
                value: "a b".into()
            })
        );
        assert_eq!(
            Request::parse("SAY hello there"),
            Ok(Request::Say {
                text: "hello there".into()
            })
        );
        assert!(Request::parse("GET").is_err());
        assert!(Request::parse("FLY away").is_err());
    }
}
