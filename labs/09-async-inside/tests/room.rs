//! Exercise 9.10: `Member::next_line`, on a broadcast channel the test sends into.

use std::sync::Arc;

use lab_async_inside::room::Member;
use lab_support::tokio::within_patience;
use tokio::sync::broadcast;

fn message(text: &str) -> Arc<str> {
    Arc::from(text)
}

#[tokio::test]
async fn a_member_gets_each_message_as_a_msg_line_in_order() {
    let (room, receiver) = broadcast::channel(8);
    let mut member = Member::new(receiver);
    for text in ["one", "two words", "three"] {
        room.send(message(text)).expect("a member is listening");
    }

    let mut lines = Vec::new();
    for _ in 0..3 {
        lines.push(within_patience("the next room line", member.next_line()).await);
    }

    assert_eq!(
        lines,
        [
            Some("MSG one".to_owned()),
            Some("MSG two words".to_owned()),
            Some("MSG three".to_owned())
        ]
    );
}

// ANCHOR: lagged
#[tokio::test]
async fn a_member_that_falls_behind_is_told_how_much_it_missed_and_stays() {
    // The room keeps 2 messages per member; this member misses the first 3 of 5.
    let (room, receiver) = broadcast::channel(2);
    let mut member = Member::new(receiver);
    for i in 1..=5 {
        room.send(message(&format!("m{i}")))
            .expect("a member is listening");
    }

    let mut lines = Vec::new();
    for _ in 0..3 {
        lines.push(within_patience("the next room line", member.next_line()).await);
    }

    assert_eq!(
        lines,
        [
            Some("LAGGED 3".to_owned()),
            Some("MSG m4".to_owned()),
            Some("MSG m5".to_owned())
        ],
        "a member that fell behind is told how many messages it missed, then gets the rest"
    );
    room.send(message("m6"))
        .expect("the member is still listening");
    assert_eq!(
        within_patience("the next room line", member.next_line()).await,
        Some("MSG m6".to_owned()),
        "a member that lagged is still in the room"
    );
}
// ANCHOR_END: lagged

#[tokio::test]
async fn a_closed_room_delivers_what_it_kept_then_ends() {
    let (room, receiver) = broadcast::channel(8);
    let mut member = Member::new(receiver);
    room.send(message("last words"))
        .expect("a member is listening");
    drop(room);

    assert_eq!(
        within_patience("the next room line", member.next_line()).await,
        Some("MSG last words".to_owned())
    );
    assert_eq!(
        within_patience("the end of the room", member.next_line()).await,
        None,
        "once the room is closed and drained, next_line returns None"
    );
}
