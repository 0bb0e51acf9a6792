use crate::sync::atomic::Ordering;
use crate::sync::wait;
use crate::sync::wake_one;

impl<T> Mutex<T> {
    pub fn lock(&self) -> MutexGuard<'_, T> {
        if self
            .state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.lock_contended();
        }
        // SAFETY: this thread took the lock above, or in `lock_contended`.
        unsafe { self.guard() }
    }

    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // SAFETY: the compare-exchange above took the lock.
        Some(unsafe { self.guard() })
    }

    fn unlock(&self) {
        // Release: the holder's writes happen before the next holder's Acquire.
        if self.state.swap(UNLOCKED, Ordering::Release) == CONTENDED {
            wake_one(&self.state);
        }
    }

    /// The slow path of `lock`: mark the lock contended and sleep until it is free.
    fn lock_contended(&self) {
        // From here on the state says CONTENDED, so the unlocker will wake somebody. When the
        // swap finds it UNLOCKED, this thread has the lock (marked CONTENDED: perhaps
        // needlessly, which costs one wake call, never a lost one).
        while self.state.swap(CONTENDED, Ordering::Acquire) != UNLOCKED {
            wait(&self.state, CONTENDED);
        }
    }
}
