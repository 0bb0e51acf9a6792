//! Loom model for Exercise 8.7: a reader and a writer never hold the lock at once, the reader
//! sees the value before or after the write and never half of it, and a writer that sleeps behind
//! a reader is woken. (A file of its own: a writer never woken is a deadlock.)
//!
//! Each guard holds a loom `ConstPtr` or `MutPtr` for as long as it lives, so a reader and a
//! writer at the same time fail at once.
//!
//! Run with `cargo test -p lab-primitives --release --features loom --test loom_rwlock_read_write`.

use lab_primitives::rwlock::RwLock;
use lab_primitives::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

#[test]
fn a_reader_and_a_writer_take_turns() {
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
        let (a, b) = *lock.read();
        assert_eq!(a, b, "the reader saw half a write");
        writer.join().expect("the writer panicked");
        assert_eq!(
            *lock.read(),
            (1, 1),
            "the write must be seen after the join"
        );
    });
}
