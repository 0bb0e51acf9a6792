use crate::sync::atomic::Ordering;
use crate::sync::atomic::fence;
use crate::sync::wait;
use crate::sync::wake_all;
use crate::sync::wake_one;

impl Sleep {
    pub fn prepare(&self) -> Token {
        self.sleepy.fetch_add(1, Ordering::Relaxed);
        // Pairs with the fence in `new_work` (store buffering): either that thread sees
        // `sleepy` above zero, or this worker's next look sees the job it queued.
        fence(Ordering::SeqCst);
        // Acquire pairs with the Release change of the epoch in `new_work`: a worker that sees
        // the new epoch also sees the job queued before it, on its next look.
        Token {
            epoch: self.epoch.load(Ordering::Acquire),
        }
    }

    pub fn cancel(&self, token: Token) {
        self.sleepy.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn sleep(&self, token: Token) {
        // Returns at once if the epoch moved since `prepare`; may return spuriously, which only
        // sends the worker round its loop once more.
        wait(&self.epoch, token.epoch);
        self.sleepy.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn new_work(&self) {
        fence(Ordering::SeqCst);
        if self.sleepy.load(Ordering::Relaxed) > 0 {
            self.epoch.fetch_add(1, Ordering::Release);
            wake_one(&self.epoch);
        }
    }

    pub fn wake_all(&self) {
        fence(Ordering::SeqCst);
        if self.sleepy.load(Ordering::Relaxed) > 0 {
            self.epoch.fetch_add(1, Ordering::Release);
            wake_all(&self.epoch);
        }
    }
}
