//! Loom model for Exercise 2.5: two threads ask for the same missing key at once.
//!
//! Run with `cargo test -p lab-races --release --features loom --test loom_cache`.

use lab_races::cache::Cache;
use lab_races::sync::atomic::{AtomicUsize, Ordering};
use lab_races::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

/// Asks `cache` for the key "answer", offering `maker` as the value and counting in `made` each
/// time a value is made.
fn ask(cache: &Cache<&str, &'static str>, made: &AtomicUsize, maker: &'static str) -> &'static str {
    cache.get_or_insert_with("answer", || {
        made.fetch_add(1, Ordering::Relaxed);
        maker
    })
}

#[test]
fn a_missing_value_is_made_once() {
    model(Bound::Exhaustive, || {
        let cache = Arc::new(Cache::new());
        let made = Arc::new(AtomicUsize::new(0));
        let other = thread::spawn({
            let (cache, made) = (Arc::clone(&cache), Arc::clone(&made));
            move || ask(&cache, &made, "other")
        });
        let mine = ask(&cache, &made, "main");
        let theirs = other.join().expect("the other thread panicked");
        assert_eq!(
            made.load(Ordering::Relaxed),
            1,
            "two threads asked for one missing key: it must be made exactly once"
        );
        assert_eq!(mine, theirs, "both threads must get the one stored value");
        assert_eq!(cache.get(&"answer"), Some(mine));
    });
}
