//! Exercise 2.5: a read-mostly map behind an `RwLock`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::PoisonError;

use crate::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A map that many threads read at once and that is written now and then: a cache of values
/// that are expensive to make, a table of settings, a directory of names.
///
/// Reads take the lock shared (any number of readers at once); writes take it exclusive.
#[derive(Debug)]
pub struct Cache<K, V> {
    entries: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new() -> Self {
        Cache {
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// A copy of the value for `key`, if there is one.
    ///
    /// Takes the lock for *reading*, so any number of threads can `get` at the same time (the
    /// value is cloned while the read lock is held).
    pub fn get(&self, key: &K) -> Option<V> {
        self.read().get(key).cloned()
    }

    /// Sets the value for `key` and returns the old one, taking the lock for writing.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.write().insert(key, value)
    }

    /// The value for `key`; if there is none, makes it with `make`, stores it and returns it.
    ///
    /// When the value is already there (the common case) this only takes the read lock. When it
    /// is missing, it takes the write lock and checks again before making the value: another
    /// thread may have stored one between the two locks. So however many threads ask for the
    /// same missing key at once, `make` runs once, and all of them get the same value.
    ///
    /// `make` runs while the write lock is held: it must not use this cache.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.read().get(&key) {
            return value.clone();
        }
        // The read guard is gone (it was a temporary of the `if let`): asking for the write lock
        // while still holding a read lock would wait for ourselves forever.
        let value = make();
        self.write().insert(key, value.clone());
        value
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the read lock. Poisoning is ignored: the map is never left half-updated (a panic in
    /// `make` happens before the entry is inserted).
    fn read(&self) -> RwLockReadGuard<'_, HashMap<K, V>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the write lock; poisoning is ignored as in `read`.
    fn write(&self) -> RwLockWriteGuard<'_, HashMap<K, V>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Eq + Hash, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}
