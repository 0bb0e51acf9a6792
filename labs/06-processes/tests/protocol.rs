//! Exercise 6.4: `write_frame` and `read_frame`, in memory and through a real worker's pipes.

mod common;

use std::io::{self, Cursor, ErrorKind, Read, Write};
use std::process::{Command, Stdio};

use common::{TestChild, pattern, worker_program};
use lab_processes::protocol::{MAX_FRAME, read_frame, receive, send, write_frame};
use lab_processes::task::{Reply, Task, sum_of_squares};
use lab_support::within_patience;

fn framed(payloads: &[&[u8]]) -> Vec<u8> {
    let mut stream = Vec::new();
    for payload in payloads {
        write_frame(&mut stream, payload).expect("writing to a Vec cannot fail");
    }
    stream
}

#[test]
fn write_frame_puts_a_big_endian_length_first() {
    assert_eq!(
        framed(&[b"abc"]),
        [0, 0, 0, 3, b'a', b'b', b'c'],
        "a frame is the payload's length as a 4-byte big-endian u32, then the payload"
    );
    assert_eq!(
        framed(&[b""]),
        [0, 0, 0, 0],
        "an empty payload is a length of 0 and nothing else"
    );

    let largest = vec![7_u8; MAX_FRAME];
    let mut written = Vec::new();
    write_frame(&mut written, &largest).expect("a payload of exactly MAX_FRAME bytes is allowed");
    assert!(
        written[..4] == (MAX_FRAME as u32).to_be_bytes() && written.len() == 4 + MAX_FRAME,
        "a payload of exactly MAX_FRAME bytes is written whole, after its length"
    );

    let too_big = vec![0_u8; MAX_FRAME + 1];
    let mut written = Vec::new();
    let error =
        write_frame(&mut written, &too_big).expect_err("a payload over MAX_FRAME must be refused");
    assert_eq!(
        error.kind(),
        ErrorKind::InvalidInput,
        "the error for an oversized payload"
    );
    assert!(
        written.is_empty(),
        "nothing may be written for a refused payload"
    );
}

/// A writer that takes at most `step` bytes per write, and is interrupted before each write, the
/// way a pipe may.
struct Dribble {
    written: Vec<u8>,
    step: usize,
    interrupt: bool,
}

impl Write for Dribble {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::Error::from(ErrorKind::Interrupted));
        }
        let len = buf.len().min(self.step);
        self.written.extend_from_slice(&buf[..len]);
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_frame_writes_the_whole_frame_a_few_bytes_at_a_time() {
    let payload = pattern(1000);
    let mut dribble = Dribble {
        written: Vec::new(),
        step: 3,
        interrupt: false,
    };
    write_frame(&mut dribble, &payload).expect("writing to a slow writer is not an error");
    assert!(
        dribble.written == framed(&[&payload]),
        "a write may take fewer bytes than it was given (and may be interrupted): keep writing \
         until the whole length and the whole payload are out (write_all does); got {} bytes of \
         the {}",
        dribble.written.len(),
        4 + payload.len()
    );
}

#[test]
fn frames_round_trip_in_order() {
    let big = pattern(1 << 20);
    let payloads: [&[u8]; 4] = [b"first", b"", &big, b"last"];
    let mut stream = Cursor::new(framed(&payloads));
    for (i, payload) in payloads.iter().enumerate() {
        let read = read_frame(&mut stream).expect("reading a well-formed stream");
        assert_eq!(
            read.as_deref(),
            Some(*payload),
            "frame {i} must come back as it was written"
        );
    }
    assert_eq!(
        read_frame(&mut stream).expect("the end of a stream is not an error"),
        None,
        "after the last frame, read_frame must return None"
    );
}

#[test]
fn read_frame_returns_none_at_a_clean_end() {
    let nothing: &[u8] = &[];
    assert_eq!(
        read_frame(nothing).expect("an empty stream is not an error"),
        None,
        "a stream that ends before any frame means \"no more messages\": None"
    );
}

/// A reader that hands over at most `step` bytes per read, and is interrupted before each
/// read, the way a pipe may.
struct Trickle {
    data: Cursor<Vec<u8>>,
    step: usize,
    interrupt: bool,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::Error::from(ErrorKind::Interrupted));
        }
        let len = buf.len().min(self.step);
        self.data.read(&mut buf[..len])
    }
}

#[test]
fn read_frame_reads_a_frame_that_arrives_a_few_bytes_at_a_time() {
    let payload = pattern(10_000);
    let mut trickle = Trickle {
        data: Cursor::new(framed(&[&payload, b"next"])),
        step: 3,
        interrupt: false,
    };
    let first = read_frame(&mut trickle).expect("a frame read in small pieces");
    assert!(
        first.as_deref() == Some(&payload[..]),
        "a read may return fewer bytes than asked for (and may be interrupted): keep reading \
         until the whole length and the whole payload are in (read_exact does)"
    );
    let second = read_frame(&mut trickle).expect("the next frame");
    assert_eq!(second.as_deref(), Some(&b"next"[..]), "the frame after it");
    assert_eq!(
        read_frame(&mut trickle).expect("the end"),
        None,
        "then the end"
    );
}

/// A reader that fails the way a broken connection does.
struct Broken;

impl Read for Broken {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::from(ErrorKind::ConnectionReset))
    }
}

#[test]
fn read_frame_passes_on_an_error_of_the_reader() {
    for (cut, what) in [(0, "before a frame"), (2, "inside a frame's length")] {
        let result = within_patience("read_frame from a reader that fails", move || {
            let stream = Cursor::new(framed(&[b"payload"])[..cut].to_vec()).chain(Broken);
            read_frame(stream).map(|read| read.map(|payload| payload.len()))
        });
        match result {
            Err(error) => assert_eq!(
                error.kind(),
                ErrorKind::ConnectionReset,
                "a read that fails {what} must give the reader's own error (only an Interrupted \
                 read is retried)"
            ),
            Ok(read) => panic!(
                "the reader failed {what}, so read_frame must return its error, not Ok({read:?})"
            ),
        }
    }
}

#[test]
fn read_frame_rejects_a_stream_that_ends_inside_a_frame() {
    let whole = framed(&[b"0123456789"]);
    for cut in [1, 2, 3, 4, 5, 13] {
        let result = read_frame(&whole[..cut]);
        match result {
            Err(error) => assert_eq!(
                error.kind(),
                ErrorKind::UnexpectedEof,
                "a stream cut after {cut} bytes of a 14-byte frame"
            ),
            Ok(read) => panic!(
                "a stream cut after {cut} bytes of a 14-byte frame ends *inside* a frame: that \
                 must be an UnexpectedEof error, not Ok({read:?}) (only an end before the first \
                 byte of a frame is a clean end)"
            ),
        }
    }
}

#[test]
fn read_frame_rejects_an_oversized_length() {
    for (len, what) in [(u32::MAX, "4 GiB"), (MAX_FRAME as u32 + 1, "MAX_FRAME + 1")] {
        let mut stream = Vec::from(len.to_be_bytes());
        stream.extend_from_slice(b"a few bytes");
        match read_frame(&stream[..]) {
            Err(error) => assert_eq!(
                error.kind(),
                ErrorKind::InvalidData,
                "a length of {what} is over MAX_FRAME and must be rejected as InvalidData"
            ),
            Ok(read) => panic!(
                "a length of {what} is over MAX_FRAME and must be an error, not Ok({:?})",
                read.map(|payload| payload.len())
            ),
        }
    }

    let mut largest = Vec::from((MAX_FRAME as u32).to_be_bytes());
    largest.resize(4 + MAX_FRAME, 7);
    match read_frame(&largest[..]) {
        Ok(Some(payload)) => assert!(
            payload.len() == MAX_FRAME && payload.iter().all(|&b| b == 7),
            "a frame of exactly MAX_FRAME bytes must come back whole"
        ),
        other => panic!(
            "a frame of exactly MAX_FRAME bytes is allowed, but read_frame returned {:?}",
            other.map(|read| read.map(|payload| payload.len()))
        ),
    }
}

#[test]
fn the_worker_binary_answers_tasks_over_its_pipes() {
    let (replies, exit) = within_patience("a conversation with the worker program", || {
        let mut worker = TestChild(
            Command::new(worker_program())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the lab's `worker` program starts"),
        );
        let pid = worker.0.id();
        let mut stdin = worker.0.stdin.take().expect("piped stdin");
        let mut stdout = worker.0.stdout.take().expect("piped stdout");
        let mut replies = Vec::new();
        for task in [Task::SumOfSquares(10), Task::Pid, Task::SumOfSquares(1000)] {
            send(&mut stdin, &task).expect("send a task to the worker");
            replies.push(receive::<Reply>(&mut stdout).expect("receive the worker's reply"));
        }
        drop(stdin);
        let exit = worker.0.wait().expect("wait for the worker");
        (replies, (exit, pid))
    });
    let (exit, pid) = exit;
    assert_eq!(
        replies,
        [
            Some(Reply::Sum(285)),
            Some(Reply::Pid(pid)),
            Some(Reply::Sum(sum_of_squares(1000)))
        ],
        "the worker answers each task, in order, through your frames"
    );
    assert!(
        exit.success(),
        "the worker exits cleanly when its stdin is closed (read_frame returns None at a clean end), got {exit}"
    );
}
