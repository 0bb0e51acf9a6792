//! Loom model for Exercise 8.7: two readers (one through `try_read`, which must not give up
//! because the other reader changed the state under it) that unlock at the same time both leave,
//! so a writer that comes after them gets the lock. A lost read unlock would leave a reader counted forever,
//! and the writer would wait for it forever. (A file of its own: that wait is a deadlock, which
//! ends the whole test binary.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_rwlock_readers`.

use lab_primitives::rwlock::RwLock;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn two_readers_leaving_at_once_let_the_next_writer_in() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(RwLock::new(1));
        let reader = thread::spawn({
            let lock = Arc::clone(&lock);
            move || {
                let value = lock
                    .try_read()
                    .expect("no writer holds or waits for the lock: try_read must succeed");
                assert_eq!(*value, 1, "no writer has run yet");
            }
        });
        assert_eq!(*lock.read(), 1, "no writer has run yet");
        reader.join().expect("the other reader panicked");
        // Both readers are gone: the lock is free, and `write` must not wait.
        *lock.write() += 1;
        assert_eq!(*lock.read(), 2, "the write must be seen by the next reader");
    });
}
