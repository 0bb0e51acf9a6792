use crate::sync::atomic::Ordering;

impl AtomicCounter {
    pub fn increment_if_below(&self, limit: u64) -> bool {
        // The decision depends on the value, so it must be made in the same indivisible step as
        // the write: `fetch_update` retries a compare-exchange until no other thread got in
        // between. `Relaxed` is enough: the count guards no other data.
        self.value
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |count| {
                (count < limit).then_some(count + 1)
            })
            .is_ok()
    }
}

impl Counter for AtomicCounter {
    fn increment(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
