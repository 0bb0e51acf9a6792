//! Helpers this lab's tests share. The general ones (bounded waits, the rendezvous) come from
//! `lab_support`. This folder is not a test target of its own.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

#[cfg(feature = "loom")]
pub use self::in_loom::*;
#[cfg(not(feature = "loom"))]
pub use self::plain::*;

#[cfg(feature = "loom")]
mod in_loom {
    use lab_primitives::sync::Arc;
    use lab_primitives::sync::atomic::{AtomicUsize, Ordering};

    /// A value that counts its drops in a loom atomic the model keeps.
    #[derive(Debug)]
    pub struct Counted {
        drops: Arc<AtomicUsize>,
    }

    impl Counted {
        pub fn new(drops: &Arc<AtomicUsize>) -> Self {
            Counted {
                drops: Arc::clone(drops),
            }
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(not(feature = "loom"))]
mod plain {
    use std::mem;
    use std::ops::Deref;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread::{self, ThreadId};
    use std::time::{Duration, Instant};

    use lab_primitives::pool::StealingPool;
    use lab_primitives::sync::probe;
    use lab_support::{PATIENCE, within_patience};

    /// A [`StealingPool`] for one test. Dropping it waits (within [`PATIENCE`]) for the pool's
    /// drop, which waits for every job. If the test is already failing, the pool is leaked
    /// instead: a job that never runs would make its drop wait forever, and the test must end
    /// with its own message.
    pub struct TestPool(Option<StealingPool>);

    impl TestPool {
        pub fn new(workers: usize) -> Self {
            TestPool(Some(StealingPool::new(workers)))
        }
    }

    impl Deref for TestPool {
        type Target = StealingPool;

        fn deref(&self) -> &StealingPool {
            self.0
                .as_ref()
                .expect("the pool is there until the test drops it")
        }
    }

    impl Drop for TestPool {
        fn drop(&mut self) {
            let Some(pool) = self.0.take() else { return };
            if thread::panicking() {
                mem::forget(pool);
            } else {
                within_patience(
                    "dropping the pool (it waits for every job spawned, and their spawns)",
                    move || drop(pool),
                );
            }
        }
    }

    /// A value that counts how many times it is dropped, in a counter the test keeps.
    #[derive(Debug)]
    pub struct Counted {
        pub id: u32,
        drops: Arc<AtomicUsize>,
    }

    impl Counted {
        pub fn new(id: u32, drops: &Arc<AtomicUsize>) -> Self {
            Counted {
                id,
                drops: Arc::clone(drops),
            }
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A new drop counter at zero.
    pub fn drop_counter() -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(0))
    }

    /// How many drops `counter` has seen.
    pub fn drops(counter: &Arc<AtomicUsize>) -> usize {
        counter.load(Ordering::SeqCst)
    }

    /// A value of size zero that counts its drops in `ZST_DROPS[N]`: one `N` per test.
    ///
    /// A value of a zero-sized type has no bytes, so *any* memory holds a valid one: dropping
    /// one that was never written is a logic error the count shows, never undefined behaviour.
    #[derive(Debug)]
    pub struct ZeroSized<const N: usize>;

    pub static ZST_DROPS: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];

    impl<const N: usize> Drop for ZeroSized<N> {
        fn drop(&mut self) {
            ZST_DROPS[N].fetch_add(1, Ordering::SeqCst);
        }
    }

    /// How many `ZeroSized<N>` have been dropped.
    pub fn zst_drops<const N: usize>() -> usize {
        ZST_DROPS[N].load(Ordering::SeqCst)
    }

    /// Checks `condition` every millisecond until it holds; fails the test, saying that `what`
    /// never happened, if it does not within [`PATIENCE`]. (A poll of something that correct code
    /// makes true, not a sleep that hopes another thread is done.)
    pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
        let start = Instant::now();
        while !condition() {
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what}, in vain"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits until `thread` is inside `sync::wait`; fails the test, naming `who`, if it never
    /// gets there (it spins instead of sleeping, or it does not wait at all).
    pub fn wait_until_asleep(thread: ThreadId, who: &str) {
        wait_until(
            &format!("{who} to go to sleep in sync::wait (does it spin, or not wait at all?)"),
            || probe::is_waiting(thread),
        );
    }
}
