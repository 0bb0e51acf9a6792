use crate::sync::atomic::Ordering;
use crate::sync::wait;
use crate::sync::wake_all;
use crate::sync::wake_one;

impl<T> RwLock<T> {
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state.is_multiple_of(2) {
                // Even: no writer holds or waits for the lock. (WRITE_LOCKED is odd.)
                assert!(state < WRITE_LOCKED - 2, "too many readers");
                match self.state.compare_exchange_weak(
                    state,
                    state + 2,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    // SAFETY: the compare-exchange added this thread as a reader.
                    Ok(_) => return unsafe { self.read_guard() },
                    Err(now) => state = now,
                }
            } else {
                // Odd: a writer holds the lock or waits for it. Sleep until the state changes.
                wait(&self.state, state);
                state = self.state.load(Ordering::Relaxed);
            }
        }
    }

    pub fn try_read(&self) -> Option<ReadGuard<'_, T>> {
        let mut state = self.state.load(Ordering::Relaxed);
        while state.is_multiple_of(2) {
            assert!(state < WRITE_LOCKED - 2, "too many readers");
            match self.state.compare_exchange_weak(
                state,
                state + 2,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                // SAFETY: the compare-exchange added this thread as a reader.
                Ok(_) => return Some(unsafe { self.read_guard() }),
                Err(now) => state = now,
            }
        }
        None
    }

    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            // Free (0), or free with writers waiting (1): take it.
            if state <= 1 {
                match self.state.compare_exchange(
                    state,
                    WRITE_LOCKED,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    // SAFETY: the compare-exchange took the write lock.
                    Ok(_) => return unsafe { self.write_guard() },
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            // Keep new readers out: make the state odd.
            if state.is_multiple_of(2)
                && let Err(now) = self.state.compare_exchange(
                    state,
                    state + 1,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
            {
                state = now;
                continue;
            }
            // Note the counter *before* checking the state again: an unlock after the check
            // changes the counter, and then `wait` returns at once. Sleep only while the state
            // is odd and locked: then a writer's unlock, or the last reader's (3 → 1), will
            // change the counter. An even state (readers, and no writer marked waiting) may go to
            // 0 with no wake at all: go round and mark it odd first.
            let seen = self.writer_wake_counter.load(Ordering::Acquire);
            state = self.state.load(Ordering::Relaxed);
            if state >= 2 && !state.is_multiple_of(2) {
                wait(&self.writer_wake_counter, seen);
                state = self.state.load(Ordering::Relaxed);
            }
        }
    }

    fn read_unlock(&self) {
        // 3 → 1: this was the last reader, and a writer is waiting.
        if self.state.fetch_sub(2, Ordering::Release) == 3 {
            self.writer_wake_counter.fetch_add(1, Ordering::Release);
            wake_one(&self.writer_wake_counter);
        }
    }

    fn write_unlock(&self) {
        self.state.store(0, Ordering::Release);
        self.writer_wake_counter.fetch_add(1, Ordering::Release);
        wake_one(&self.writer_wake_counter);
        wake_all(&self.state);
    }
}
