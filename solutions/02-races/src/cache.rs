impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn get(&self, key: &K) -> Option<V> {
        self.read().get(key).cloned()
    }

    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.write().insert(key, value)
    }

    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.read().get(&key) {
            return value.clone();
        }
        // The read guard is gone (it was a temporary of the `if let`): asking for the write lock
        // while still holding a read lock would wait for ourselves forever.
        self.write().entry(key).or_insert_with(make).clone()
    }
}
