impl Ticker {
    pub fn tick(&self) {
        let waker = {
            let mut state = lock(&self.state);
            if state.remaining == 0 {
                return;
            }
            state.remaining -= 1;
            if state.remaining > 0 {
                return;
            }
            state.waker.take()
        };
        // Wake outside the lock: the woken task may be polled at once, on another thread, and
        // its poll takes the same lock.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Countdown {
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.remaining == 0 {
            return Poll::Ready(());
        }
        // Always the latest waker: the one of an earlier poll may belong to another task or
        // executor by now.
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
