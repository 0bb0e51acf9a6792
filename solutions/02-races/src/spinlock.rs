use crate::sync::atomic::Ordering;
use crate::sync::hint;

impl<T> SpinLock<T> {
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // SAFETY: the compare-exchange above is what took the lock.
        Some(unsafe { self.guard() })
    }

    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            // Wait with plain loads until the lock looks free, then try again: a failed
            // compare-exchange would claim the cache line for writing on every turn.
            while self.locked.load(Ordering::Relaxed) {
                hint::spin_loop();
            }
        }
    }
}

impl<T> SpinLockGuard<'_, T> {
    pub fn unlock(self) {
        // Dropping the guard is what unlocks, exactly once.
        drop(self);
    }
}

impl<T> Drop for SpinLockGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}
