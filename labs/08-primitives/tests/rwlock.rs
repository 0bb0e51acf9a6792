//! Exercise 8.7 on real threads: readers share, writers exclude, a waiting writer keeps new
//! readers out, and unlocking wakes whoever waits. `tests/loom_rwlock_*.rs` check the orderings
//! and every interleaving.

#![cfg(not(feature = "loom"))]

mod common;

use std::sync::{Arc, Mutex};
use std::thread;

use common::{wait_until, wait_until_asleep};
use lab_primitives::rwlock::RwLock;
use lab_support::{PATIENCE, lock, within, within_patience};

/// Runs a test whose own thread takes and releases locks, which cannot be handed to a bounded
/// helper and back (a guard borrows the lock): the whole body runs on a helper thread, bounded by
/// twice the patience of the waits inside it, so that a lock or unlock that never returns fails
/// the test with a message instead of hanging until the grader's time limit. A bounded wait
/// inside that gives up first fails the test with its own message.
fn on_the_test_thread_within_patience(body: impl FnOnce() + Send + 'static) {
    within(
        "the test's own lock and unlock calls (does an uncontended lock, or an unlock, never return?)",
        2 * PATIENCE,
        body,
    );
}

#[test]
fn readers_share_the_lock() {
    within_patience("two read locks at once", || {
        let rwlock = RwLock::new(5);
        let first = rwlock.read();
        let second = rwlock
            .try_read()
            .expect("a read lock is held and no writer waits: try_read must succeed");
        let third = rwlock.read();
        assert_eq!(
            *first + *second + *third,
            15,
            "every read guard derefs to the value"
        );
    });
}

#[test]
fn a_writer_excludes_readers_and_is_seen_by_the_next_reader() {
    within_patience("write, then read", || {
        let rwlock = RwLock::new(String::from("old"));
        let mut writer = rwlock.write();
        writer.push_str(" and new");
        assert!(
            rwlock.try_read().is_none(),
            "try_read must fail while the write lock is held"
        );
        drop(writer);
        assert_eq!(
            *rwlock
                .try_read()
                .expect("the writer is gone: try_read must succeed"),
            "old and new",
            "the next reader must see what the writer wrote"
        );
    });
}

#[test]
fn a_writer_sleeps_until_the_readers_are_gone() {
    on_the_test_thread_within_patience(move || {
        let rwlock = Arc::new(RwLock::new(0));
        let reader = rwlock.read();
        let writer = thread::spawn({
            let rwlock = Arc::clone(&rwlock);
            move || *rwlock.write() = 1
        });
        wait_until_asleep(
            writer.thread().id(),
            "a writer waiting for a reader to leave",
        );
        assert_eq!(
            *reader, 0,
            "the writer must not write while a reader holds the lock"
        );
        drop(reader);
        within_patience(
            "the writer to get the lock once the last reader left (is it woken?)",
            move || writer.join(),
        )
        .expect("the writing thread panicked");
        assert_eq!(*rwlock.read(), 1);
    });
}

#[test]
fn a_waiting_writer_keeps_new_readers_out() {
    on_the_test_thread_within_patience(move || {
        let rwlock = Arc::new(RwLock::new(0));
        let reader = rwlock.read();
        let writer = thread::spawn({
            let rwlock = Arc::clone(&rwlock);
            move || *rwlock.write() = 1
        });
        wait_until(
            "try_read to fail once a writer waits (do new readers jump ahead of a waiting writer?)",
            || rwlock.try_read().is_none(),
        );
        drop(reader);
        within_patience("the writer to get the lock", move || writer.join())
            .expect("the writing thread panicked");
    });
}

#[test]
fn readers_that_come_while_a_writer_waits_go_after_it() {
    on_the_test_thread_within_patience(move || {
        let rwlock = Arc::new(RwLock::new(()));
        let order = Arc::new(Mutex::new(Vec::new()));
        let reader = rwlock.read();
        let writer = thread::spawn({
            let (rwlock, order) = (Arc::clone(&rwlock), Arc::clone(&order));
            move || {
                let _guard = rwlock.write();
                lock(&order).push("writer");
            }
        });
        wait_until_asleep(
            writer.thread().id(),
            "a writer waiting for a reader to leave",
        );
        let late_reader = thread::spawn({
            let (rwlock, order) = (Arc::clone(&rwlock), Arc::clone(&order));
            move || {
                let _guard = rwlock.read();
                lock(&order).push("late reader");
            }
        });
        let late_id = late_reader.thread().id();
        wait_until(
            "the late reader to either take the lock or go to sleep",
            || !lock(&order).is_empty() || lab_primitives::sync::probe::is_waiting(late_id),
        );
        drop(reader);
        within_patience("the writer and the late reader to finish", move || {
            writer.join().expect("the writing thread panicked");
            late_reader.join().expect("the late reader panicked");
        });
        assert_eq!(
            *lock(&order),
            ["writer", "late reader"],
            "a reader that came while a writer was waiting went first: readers can starve writers"
        );
    });
}

#[test]
fn unlocking_the_writer_wakes_every_sleeping_reader() {
    on_the_test_thread_within_patience(move || {
        let rwlock = Arc::new(RwLock::new(0));
        let writer = rwlock.write();
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let rwlock = Arc::clone(&rwlock);
                thread::spawn(move || *rwlock.read())
            })
            .collect();
        for reader in &readers {
            wait_until_asleep(reader.thread().id(), "a reader waiting for a writer");
        }
        drop(writer);
        within_patience(
            "all three sleeping readers to get the lock after the writer left (are they all woken?)",
            move || {
                for reader in readers {
                    assert_eq!(reader.join().expect("a reader panicked"), 0);
                }
            },
        );
    });
}

#[test]
fn readers_and_writers_on_many_threads_never_see_a_half_done_write() {
    const WRITERS: usize = 2;
    const READERS: usize = 2;
    const ROUNDS: u64 = 20_000;
    // The writers keep both numbers equal; a reader that sees them differ saw a half-done write.
    let rwlock = Arc::new(RwLock::new((0_u64, 0_u64)));
    let mut threads = Vec::new();
    for _ in 0..WRITERS {
        let rwlock = Arc::clone(&rwlock);
        threads.push(thread::spawn(move || {
            for _ in 0..ROUNDS {
                let mut pair = rwlock.write();
                pair.0 += 1;
                pair.1 += 1;
            }
        }));
    }
    for _ in 0..READERS {
        let rwlock = Arc::clone(&rwlock);
        threads.push(thread::spawn(move || {
            for _ in 0..ROUNDS {
                let pair = rwlock.read();
                assert_eq!(pair.0, pair.1, "a reader saw a half-done write");
            }
        }));
    }
    within_patience(
        "two writers and two readers, 20 000 rounds each",
        move || {
            for t in threads {
                t.join().expect("a thread panicked");
            }
        },
    );
    assert_eq!(
        *rwlock.read(),
        (WRITERS as u64 * ROUNDS, WRITERS as u64 * ROUNDS),
        "every write must count"
    );
}
