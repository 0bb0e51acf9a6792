use crate::sync::atomic::Ordering;

impl<T> OneShot<T> {
    pub fn send(&self, message: T) {
        // Claims the channel: of all the threads that try, exactly one sees `false`.
        if self.in_use.swap(true, Ordering::Relaxed) {
            panic!("send called twice on a one-shot channel");
        }
        // SAFETY: only the one thread that claimed the channel above gets here, once, and no
        // receiver reads the message before `ready` is set below.
        self.message
            .with_mut(|message_ptr| unsafe { (*message_ptr).write(message) });
        // Release: the write above happens before whatever a receiver does after it sees `true`.
        self.ready.store(true, Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        // Relaxed is enough for a hint: `receive` does the Acquire that makes the message safe
        // to read.
        self.ready.load(Ordering::Relaxed)
    }

    pub fn receive(&self) -> T {
        // Acquire pairs with the Release store in `send`, and `swap` claims the message: of two
        // receivers, only one sees `true`.
        if !self.ready.swap(false, Ordering::Acquire) {
            panic!("no message ready to receive");
        }
        // SAFETY: `ready` was true, so `send` wrote the message and that write happens before
        // this read; the swap made this the only thread that takes it out, once.
        self.message
            .with(|message_ptr| unsafe { (*message_ptr).assume_init_read() })
    }
}

impl<T> Drop for OneShot<T> {
    fn drop(&mut self) {
        // `&mut self`: no other thread uses the channel any more, and whatever gave us this
        // exclusive access (a join, an `Arc`'s last drop) ordered their accesses before ours.
        if self.ready.load(Ordering::Relaxed) {
            // SAFETY: a message was written and never received, so it is initialised and live;
            // it is dropped once, here.
            self.message
                .with_mut(|message_ptr| unsafe { (*message_ptr).assume_init_drop() });
        }
    }
}
