use crate::sync::atomic::Ordering;
use crate::sync::wait;
use crate::sync::wake_all;
use crate::sync::wake_one;

impl Condvar {
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        // Both while the mutex is still held: a notifier changes the data under the mutex after
        // we unlock, so it sees `waiters` above zero, and it changes `counter` after our load.
        self.waiters.fetch_add(1, Ordering::Relaxed);
        let seen = self.counter.load(Ordering::Relaxed);
        let mutex = guard.unlock();
        // Sleeps only if no notification has changed the counter since `seen`.
        wait(&self.counter, seen);
        self.waiters.fetch_sub(1, Ordering::Relaxed);
        mutex.lock()
    }

    pub fn notify_one(&self) {
        if self.waiters.load(Ordering::Relaxed) > 0 {
            self.counter.fetch_add(1, Ordering::Relaxed);
            wake_one(&self.counter);
        }
    }

    pub fn notify_all(&self) {
        if self.waiters.load(Ordering::Relaxed) > 0 {
            self.counter.fetch_add(1, Ordering::Relaxed);
            wake_all(&self.counter);
        }
    }
}
