//! Exercise 9.9: `Shared::execute`, called directly: it is a plain function.

use std::sync::Arc;
use std::thread;

use lab_async_inside::protocol::Request;
use lab_async_inside::state::{Config, Shared};

fn get(key: &str) -> Request {
    Request::Get { key: key.into() }
}

fn set(key: &str, value: &str) -> Request {
    Request::Set {
        key: key.into(),
        value: value.into(),
    }
}

fn say(text: &str) -> Request {
    Request::Say { text: text.into() }
}

#[test]
fn ping_and_join_are_answered() {
    let shared = Shared::new(Config::default());

    assert_eq!(shared.execute(&Request::Ping), "PONG");
    assert_eq!(shared.execute(&Request::Join), "OK");
}

#[test]
fn a_value_set_can_be_read_back_and_replaced() {
    let shared = Shared::new(Config::default());

    assert_eq!(shared.execute(&get("colour")), "NONE", "nothing set yet");
    assert_eq!(shared.execute(&set("colour", "dark blue")), "OK");
    assert_eq!(shared.execute(&get("colour")), "VALUE dark blue");
    assert_eq!(shared.execute(&set("colour", "red")), "OK");
    assert_eq!(
        shared.execute(&get("colour")),
        "VALUE red",
        "a second SET replaces the value"
    );
    assert_eq!(
        shared.execute(&get("size")),
        "NONE",
        "other keys are untouched"
    );
}

#[test]
fn say_sends_the_text_to_every_member_and_counts_them() {
    let shared = Shared::new(Config::default());
    let mut first = shared.subscribe();
    let mut second = shared.subscribe();

    assert_eq!(shared.execute(&say("hello, room")), "OK 2");

    for receiver in [&mut first, &mut second] {
        let text = receiver
            .try_recv()
            .expect("each member received the message");
        assert_eq!(&*text, "hello, room");
    }
}

#[test]
fn say_to_an_empty_room_is_not_an_error() {
    let shared = Shared::new(Config::default());

    assert_eq!(shared.execute(&say("anyone?")), "OK 0");
}

#[test]
fn many_threads_share_the_store() {
    let shared = Arc::new(Shared::new(Config::default()));

    lab_support::within_patience("eight threads setting and getting keys", {
        let shared = Arc::clone(&shared);
        move || {
            thread::scope(|s| {
                for t in 0..8 {
                    let shared = &shared;
                    s.spawn(move || {
                        for i in 0..100 {
                            let key = format!("t{t}/k{i}");
                            assert_eq!(shared.execute(&set(&key, &i.to_string())), "OK");
                            assert_eq!(shared.execute(&get(&key)), format!("VALUE {i}"));
                        }
                    });
                }
            })
        }
    });

    for t in 0..8 {
        assert_eq!(shared.execute(&get(&format!("t{t}/k99"))), "VALUE 99");
    }
}
