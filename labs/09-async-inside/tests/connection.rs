//! Exercise 9.11: `connection`, through the whole server (`Server::start` wires your `serve` and
//! your `connection` together), over loopback.

mod common;

use std::time::Duration;

use common::client::{Client, start_server, wait_for_stats, within_patience};
use lab_async_inside::protocol::{LINE_TOO_LONG, Request};
use lab_async_inside::state::Config;

fn config() -> Config {
    Config::default()
}

#[tokio::test]
async fn requests_are_answered_in_order_one_line_each() {
    let server = start_server(config()).await;
    let mut client = Client::connect(server.addr(), "the client").await;

    // Five requests in one write: the server must split them into lines itself.
    client
        .send_raw(b"PING\nSET fruit ripe pear\nGET fruit\nGET nothing\nFLY away\n")
        .await;

    let mut replies = Vec::new();
    for i in 0..5 {
        replies.push(client.line(&format!("reply {}", i + 1)).await);
    }
    let error = Request::parse("FLY away").expect_err("not a request");
    assert_eq!(
        replies,
        [
            "PONG".to_owned(),
            "OK".to_owned(),
            "VALUE ripe pear".to_owned(),
            "NONE".to_owned(),
            format!("ERR {error}"),
        ]
    );
}

#[tokio::test]
async fn a_request_that_arrives_in_pieces_is_answered_whole() {
    let server = start_server(config()).await;
    let mut client = Client::connect(server.addr(), "the client").await;

    client.send_raw(b"SET gre").await;
    client.send_raw(b"eting hel").await;
    client.send_raw(b"lo there\nGET greeting\n").await;

    assert_eq!(client.line("the reply to the SET").await, "OK");
    assert_eq!(
        client.line("the reply to the GET").await,
        "VALUE hello there"
    );
}

// ANCHOR: too_long
#[tokio::test]
async fn a_line_over_the_limit_closes_that_connection_only() {
    let server = start_server(Config {
        max_line: 32,
        ..config()
    })
    .await;
    let mut bystander = Client::connect(server.addr(), "a bystander").await;
    assert_eq!(bystander.request("PING").await, "PONG");
    let mut offender = Client::connect(server.addr(), "the client with a long line").await;

    offender.send(&"x".repeat(33)).await;

    assert_eq!(
        offender
            .line("the answer to a 33-byte line (the limit is 32)")
            .await,
        LINE_TOO_LONG
    );
    offender
        .expect_closed("after a line over the limit, the connection closes")
        .await;
    assert_eq!(
        bystander.request("PING").await,
        "PONG",
        "other clients are not affected"
    );
    let mut newcomer = Client::connect(server.addr(), "a new client").await;
    assert_eq!(newcomer.request("PING").await, "PONG");
}
// ANCHOR_END: too_long

#[tokio::test]
async fn a_line_over_the_limit_is_refused_before_it_ends() {
    let server = start_server(Config {
        max_line: 32,
        ..config()
    })
    .await;
    let mut client = Client::connect(server.addr(), "the client").await;

    // 64 bytes and no end of line in sight: the server must not wait for one.
    client.send_raw(&[b'y'; 64]).await;

    assert_eq!(
        client
            .line("the answer to 64 bytes without a newline (the limit is 32)")
            .await,
        LINE_TOO_LONG,
        "the server must refuse the line as soon as it is over the limit, not buffer it while \
         it waits for the newline"
    );
    client.expect_closed("after a line over the limit").await;
}

#[tokio::test]
async fn a_line_exactly_at_the_limit_is_accepted() {
    let server = start_server(Config {
        max_line: 32,
        ..config()
    })
    .await;
    let mut client = Client::connect(server.addr(), "the client").await;
    let line = format!("SET k {}", "v".repeat(26));
    assert_eq!(line.len(), 32);

    assert_eq!(client.request(&line).await, "OK");
    assert_eq!(
        client.request("GET k").await,
        format!("VALUE {}", "v".repeat(26))
    );
}

// ANCHOR: held
#[tokio::test]
async fn a_request_in_flight_does_not_hold_up_other_clients() {
    let server = start_server(config()).await;
    let mut slow = Client::connect(server.addr(), "the client whose reply is held").await;
    let mut other = Client::connect(server.addr(), "another client").await;

    slow.send("GET held/answer").await;
    wait_for_stats(&server, "the held request in flight", |s| s.in_flight == 1).await;

    assert_eq!(other.request("SET colour green").await, "OK");
    assert_eq!(
        other.request("GET colour").await,
        "VALUE green",
        "while one client's request waits, the others must be served"
    );

    server.shared().release("held/answer");
    assert_eq!(slow.line("the held reply, once released").await, "NONE");
}
// ANCHOR_END: held

#[tokio::test]
async fn members_of_the_room_get_what_is_said() {
    let server = start_server(config()).await;
    let mut ann = Client::connect(server.addr(), "ann").await;
    let mut bob = Client::connect(server.addr(), "bob").await;
    let mut cat = Client::connect(server.addr(), "cat (not a member)").await;
    assert_eq!(ann.request("JOIN").await, "OK");
    assert_eq!(bob.request("JOIN").await, "OK");

    assert_eq!(
        cat.request("SAY hello all").await,
        "OK 2",
        "two members heard it"
    );
    assert_eq!(ann.line("the room line").await, "MSG hello all");
    assert_eq!(bob.line("the room line").await, "MSG hello all");
    assert_eq!(ann.request("SAY hi cat").await, "OK 2");
    assert_eq!(
        ann.line("ann's own message, as a member").await,
        "MSG hi cat"
    );
    assert_eq!(bob.line("the room line").await, "MSG hi cat");
    assert_eq!(
        cat.request("PING").await,
        "PONG",
        "a client that has not joined gets no room lines"
    );
}

/// The largest the kernel lets a socket's send buffer grow (Linux: the third value of
/// `net.ipv4.tcp_wmem`), or 8 MiB where that cannot be read.
fn max_send_buffer() -> usize {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse().ok())
        .unwrap_or(8 << 20)
}

// ANCHOR: slow_member
#[tokio::test]
async fn a_member_that_does_not_read_lags_without_slowing_anyone() {
    const TEXT_LEN: usize = 16 * 1024;
    let capacity = 8;
    let server = start_server(Config {
        max_line: TEXT_LEN + 64,
        room_capacity: capacity,
        ..config()
    })
    .await;
    // Enough messages to fill every buffer between the server and the slow member (its socket's
    // send buffer, which may grow to `max_send_buffer`, and the member's small receive buffer)
    // and then some: the member must fall behind in the room.
    let count = max_send_buffer() / TEXT_LEN + 4 * capacity + 16;
    let mut slow = Client::connect_with_small_buffer(server.addr(), "the slow member", 4096).await;
    let mut reader = Client::connect(server.addr(), "a member that reads").await;
    let mut speaker = Client::connect(server.addr(), "the speaker").await;
    assert_eq!(slow.request("JOIN").await, "OK");
    assert_eq!(reader.request("JOIN").await, "OK");
    let reading = tokio::spawn(async move {
        let mut texts = Vec::new();
        for i in 0..count {
            texts.push(reader.line(&format!("room line {i}")).await);
        }
        texts
    });

    // The slow member reads nothing from here on.
    for i in 0..count {
        let text = format!("{i:06}{}", "z".repeat(TEXT_LEN - 6));
        speaker.send(&format!("SAY {text}")).await;
        assert_eq!(
            speaker
                .line(&format!("the reply to SAY number {i} (of {count})"))
                .await,
            "OK 2",
            "the speaker's SAY must be answered at once, however slow a member is"
        );
    }
    let texts = within_patience("the reading member's lines", reading)
        .await
        .expect("the reading member panicked");
    for (i, text) in texts.iter().enumerate() {
        assert!(
            text.starts_with(&format!("MSG {i:06}")),
            "the member that reads must get every message, in order; line {i} starts with {:?}",
            &text[..text.len().min(20)]
        );
    }

    // Now the slow member reads: some messages, a LAGGED line, the rest.
    let (mut messages, mut missed, mut lagged_lines) = (0, 0, 0);
    while messages + missed < count {
        let line = slow.line("the slow member's next room line").await;
        if let Some(n) = line.strip_prefix("LAGGED ") {
            missed += n.parse::<usize>().expect("LAGGED is followed by a number");
            lagged_lines += 1;
        } else {
            assert!(
                line.starts_with("MSG "),
                "unexpected line {:?}",
                &line[..line.len().min(20)]
            );
            messages += 1;
        }
    }
    assert!(
        lagged_lines >= 1,
        "the slow member got all {count} messages without a LAGGED line: the server must not \
         hold more room lines for it than the room keeps"
    );
    assert_eq!(
        messages + missed,
        count,
        "every message received or counted as missed"
    );
}
// ANCHOR_END: slow_member

// ANCHOR: shutdown_in_flight
#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let mut server = start_server(Config {
        latency: Duration::from_millis(300),
        ..config()
    })
    .await;
    let mut client = Client::connect(server.addr(), "the client").await;
    client.send("SET answer 42").await;
    wait_for_stats(&server, "the SET in flight", |s| s.in_flight == 1).await;

    server.shut_down();

    assert_eq!(
        client
            .line("the reply to the request in flight at shutdown")
            .await,
        "OK",
        "a request the server had read when the shutdown began must still be answered"
    );
    client
        .expect_closed("the connection closes after its last reply")
        .await;
    within_patience("the server to return after shutdown", server.finished()).await;
    assert_eq!(server.stats().abandoned, 0, "no request was abandoned");
}
// ANCHOR_END: shutdown_in_flight

#[tokio::test]
async fn shutdown_closes_idle_connections_and_the_server_returns() {
    let mut server = start_server(config()).await;
    let mut idle = Client::connect(server.addr(), "an idle client").await;
    let mut member = Client::connect(server.addr(), "an idle member").await;
    assert_eq!(idle.request("PING").await, "PONG");
    assert_eq!(member.request("JOIN").await, "OK");

    server.shut_down();

    idle.expect_closed("an idle connection closes at shutdown")
        .await;
    member
        .expect_closed("an idle member's connection closes at shutdown")
        .await;
    within_patience("the server to return after shutdown", server.finished()).await;
}

// ANCHOR: pieces
#[tokio::test]
async fn half_a_request_is_kept_while_room_lines_go_out() {
    let server = start_server(config()).await;
    let mut writer = Client::connect(server.addr(), "the member writing in pieces").await;
    assert_eq!(writer.request("JOIN").await, "OK");

    // Half a request, and the server has read it: its connection waits for the rest.
    writer.send_raw(b"SET half").await;
    let sent = "JOIN\nSET half".len();
    wait_for_stats(&server, "the server to read the half request", |s| {
        s.bytes_read == sent
    })
    .await;

    // Meanwhile a room line goes out to the member: its connection's select! picks the room.
    let mut speaker = Client::connect(server.addr(), "the speaker").await;
    assert_eq!(speaker.request("SAY interrupting").await, "OK 1");
    assert_eq!(writer.line("the room line").await, "MSG interrupting");

    // The rest of the request: together with the first half it is `SET halfway there`.
    writer.send_raw(b"way there\n").await;
    assert_eq!(
        writer
            .line("the reply to the request sent in two halves")
            .await,
        "OK",
        "the first half of the request was lost when the room line went out: a select! branch \
         that loses data when another branch wins is not cancel safe"
    );
    assert_eq!(writer.request("GET halfway").await, "VALUE there");
}
// ANCHOR_END: pieces
