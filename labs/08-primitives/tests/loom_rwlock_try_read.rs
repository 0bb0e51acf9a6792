//! Loom model for Exercise 8.7: a reader that gets in with `try_read` sees the value before or
//! after a write on another thread, never half of it: `try_read` is an `Acquire` operation, like
//! `read`. (A file of its own: a writer never woken is a deadlock.)
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_rwlock_try_read`.

use lab_primitives::rwlock::RwLock;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn try_read_sees_a_whole_write_or_none_of_it() {
    model(Bound::Exhaustive, || {
        let lock = Arc::new(RwLock::new((0, 0)));
        let writer = thread::spawn({
            let lock = Arc::clone(&lock);
            move || {
                let mut pair = lock.write();
                pair.0 += 1;
                pair.1 += 1;
            }
        });
        if let Some(pair) = lock.try_read() {
            assert_eq!(pair.0, pair.1, "try_read saw half a write");
        }
        writer.join().expect("the writer panicked");
    });
}
