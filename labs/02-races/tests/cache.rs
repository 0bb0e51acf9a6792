//! Exercise 2.5: `Cache`.

// With the `loom` feature on, the lab's types only work inside a loom model.
#![cfg(not(feature = "loom"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lab_races::cache::Cache;
use lab_support::{Rendezvous, within_patience};

#[test]
fn get_and_insert_work_like_a_map() {
    within_patience("get and insert on one thread", || {
        let cache = Cache::new();
        assert_eq!(cache.get(&"ada"), None, "a new cache is empty");
        assert_eq!(cache.insert("ada", 1815), None, "no old value to return");
        assert_eq!(cache.get(&"ada"), Some(1815));
        assert_eq!(
            cache.insert("ada", 1852),
            Some(1815),
            "insert returns the value it replaced"
        );
        assert_eq!(cache.get(&"ada"), Some(1852));
        assert_eq!(cache.len(), 1);
    });
}

#[test]
fn get_or_insert_with_makes_only_missing_values() {
    within_patience("get_or_insert_with on one thread", || {
        let cache = Cache::new();
        cache.insert("grace", 1906);
        let made = AtomicUsize::new(0);
        let make = |year| {
            made.fetch_add(1, Ordering::Relaxed);
            year
        };
        assert_eq!(
            cache.get_or_insert_with("grace", || make(0)),
            1906,
            "a value that is there must be returned as it is"
        );
        assert_eq!(
            made.load(Ordering::Relaxed),
            0,
            "`make` must not run for a key that is there"
        );
        assert_eq!(cache.get_or_insert_with("alan", || make(1912)), 1912);
        assert_eq!(
            made.load(Ordering::Relaxed),
            1,
            "`make` runs for a missing key"
        );
        assert_eq!(cache.get(&"alan"), Some(1912), "the made value is stored");
        assert_eq!(cache.get_or_insert_with("alan", || make(0)), 1912);
        assert_eq!(made.load(Ordering::Relaxed), 1, "and never made again");
    });
}

/// A value whose `clone` waits until two clones are running at the same time. `Cache::get` clones
/// under the read lock, so two threads can only get it at once if readers share the lock.
struct MeetsAnotherReader(Arc<Rendezvous>);

impl Clone for MeetsAnotherReader {
    fn clone(&self) -> Self {
        if let Err(missed) = self.0.wait() {
            panic!(
                "only {} of {} readers were inside the cache at once: `get` must take the lock \
                 for reading (shared), not for writing",
                missed.arrived, missed.parties
            );
        }
        MeetsAnotherReader(Arc::clone(&self.0))
    }
}

#[test]
fn readers_share_the_lock() {
    within_patience("two threads calling get at once", || {
        let cache = Arc::new(Cache::new());
        cache.insert("shared", MeetsAnotherReader(Arc::new(Rendezvous::new(2))));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let cache = Arc::clone(&cache);
                std::thread::spawn(move || cache.get(&"shared").is_some())
            })
            .collect();
        for reader in readers {
            match reader.join() {
                Ok(found) => assert!(found, "the value was inserted: get must find it"),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
}

#[test]
fn get_or_insert_with_on_a_missing_key_does_not_wait_for_itself() {
    // Taking the write lock while this thread still holds the read lock never returns.
    let value = within_patience("get_or_insert_with on a missing key", || {
        Cache::new().get_or_insert_with(7, || "seven")
    });
    assert_eq!(value, "seven");
}

#[test]
fn threads_asking_for_the_same_keys_get_the_same_values() {
    const THREADS: usize = 4;
    const KEYS: usize = 200;
    let cache = Cache::new();
    let made = AtomicUsize::new(0);
    let seen: Vec<Vec<usize>> = within_patience("four threads filling the cache", move || {
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..THREADS)
                .map(|me| {
                    let (cache, made) = (&cache, &made);
                    s.spawn(move || {
                        (0..KEYS)
                            .map(|key| {
                                cache.get_or_insert_with(key, || {
                                    made.fetch_add(1, Ordering::Relaxed);
                                    me
                                })
                            })
                            .collect()
                    })
                })
                .collect();
            let seen = workers
                .into_iter()
                .map(|w| w.join().expect("a worker panicked"))
                .collect();
            assert_eq!(
                made.load(Ordering::Relaxed),
                KEYS,
                "each of the {KEYS} keys must be made exactly once"
            );
            seen
        })
    });
    for other in &seen[1..] {
        assert_eq!(
            other, &seen[0],
            "every thread must get the value that was stored for each key"
        );
    }
}
