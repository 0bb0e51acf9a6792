//! Exercise 6.4: messages on a byte stream, as length-prefixed frames.
//!
//! A pipe carries bytes, not messages: one `write` of 100 bytes may arrive as one `read` of 100,
//! or as several smaller ones, and two writes may arrive glued together. To send messages over
//! it, each one goes in a *frame*: its length as a 4-byte big-endian `u32`, then that many bytes
//! of payload. You write [`write_frame`] and [`read_frame`]; [`send`], [`receive`] and the
//! worker's loop [`serve`] are built on them and given.

use std::io::{self, BufRead, ErrorKind, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::task::{self, Task};

/// The largest payload [`read_frame`] accepts: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

// ANCHOR: frames
/// Writes one frame: the length of `payload` as a big-endian `u32`, then `payload` itself. The
/// whole frame is written, however few bytes each call of the writer's `write` takes.
///
/// It does not flush: a caller that writes through a buffer flushes when the message is complete.
///
/// # Errors
///
/// Any error of the writer, and [`ErrorKind::InvalidInput`] if `payload` is longer than
/// [`MAX_FRAME`] (nothing is written then; a payload of exactly `MAX_FRAME` bytes is fine).
pub fn write_frame(writer: impl Write, payload: &[u8]) -> io::Result<()> {
    todo!("6.4: write the length prefix, then the payload — see the chapter, Exercise 6.4")
}

/// Reads one frame written by [`write_frame`] and returns its payload.
///
/// Returns `Ok(None)` if the stream ends cleanly *before* a frame starts: that is how the other
/// side says "no more messages". However the bytes arrive (the reader may hand them over a few at
/// a time), the whole frame is read.
///
/// # Errors
///
/// - [`ErrorKind::UnexpectedEof`] if the stream ends inside a frame (in the length or in the
///   payload);
/// - [`ErrorKind::InvalidData`] if the length is larger than [`MAX_FRAME`] (exactly `MAX_FRAME`
///   is fine), checked *before* anything is allocated (a corrupt length must not make us reserve
///   gigabytes);
/// - any other error of the reader.
pub fn read_frame(reader: impl Read) -> io::Result<Option<Vec<u8>>> {
    todo!(
        "6.4: read the 4-byte length (or a clean end), then exactly that many bytes — see the chapter, Exercise 6.4"
    )
}
// ANCHOR_END: frames

/// Sends `message` as one JSON-encoded frame, and flushes.
pub fn send(mut writer: impl Write, message: &impl Serialize) -> io::Result<()> {
    let payload = serde_json::to_vec(message).map_err(io::Error::other)?;
    write_frame(&mut writer, &payload)?;
    writer.flush()
}

/// Receives one message sent by [`send`]; `Ok(None)` if the stream ended cleanly first.
///
/// A payload that is not a valid `T` is an [`ErrorKind::InvalidData`] error.
pub fn receive<T: DeserializeOwned>(reader: impl Read) -> io::Result<Option<T>> {
    match read_frame(reader)? {
        None => Ok(None),
        Some(payload) => serde_json::from_slice(&payload)
            .map(Some)
            .map_err(|error| io::Error::new(ErrorKind::InvalidData, error)),
    }
}

// ANCHOR: serve
/// The loop of a worker process: receives tasks from `input` until it ends, runs each, and sends
/// its reply to `output`. Returns `Ok(())` once `input` ends cleanly.
///
/// The `worker` binary (`src/bin/worker.rs`) runs this on its stdin and stdout, so a worker
/// exits on its own when the pool closes its end of the worker's stdin.
pub fn serve(mut input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    while let Some(task) = receive::<Task>(&mut input)? {
        let reply = task::run(task);
        send(&mut output, &reply)?;
    }
    Ok(())
}
// ANCHOR_END: serve
