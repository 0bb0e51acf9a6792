use crate::sync::atomic::Ordering;
use crate::sync::wait;
use crate::sync::wake_one;

impl<T> Sender<T> {
    pub fn send(self, message: T) {
        // SAFETY: the slot is EMPTY (only this sender, consumed here, ever fills it), and the
        // receiver reads the message only after it sees FULL, which is stored after this write.
        self.slot
            .message
            .with_mut(|message_ptr| unsafe { (*message_ptr).write(message) });
        // Release: the write above happens before the receiver's Acquire load that sees FULL.
        self.slot.state.store(FULL, Ordering::Release);
        wake_one(&self.slot.state);
        // `self` is dropped here: its `Drop` finds the slot FULL (or GONE, if the receiver was
        // quick) and does nothing.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // Only an EMPTY slot becomes GONE: after `send` this fails and changes nothing.
        if self
            .slot
            .state
            .compare_exchange(EMPTY, GONE, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            wake_one(&self.slot.state);
        }
    }
}

impl<T> Receiver<T> {
    pub fn recv(self) -> Result<T, RecvError> {
        loop {
            // Acquire pairs with the Release store of FULL in `send`.
            match self.slot.state.load(Ordering::Acquire) {
                FULL => {
                    // SAFETY: FULL means the message was written, and the Acquire load made
                    // that write visible; this receiver is consumed, so it takes it once.
                    let message = self
                        .slot
                        .message
                        .with(|message_ptr| unsafe { (*message_ptr).assume_init_read() });
                    // Taken: the slot's `Drop` must not drop it again. The last `Arc`'s drop
                    // orders this store before that `Drop`.
                    self.slot.state.store(GONE, Ordering::Relaxed);
                    return Ok(message);
                }
                GONE => return Err(RecvError),
                // Sleeps unless the state has changed since the load; may return spuriously.
                _ => wait(&self.slot.state, EMPTY),
            }
        }
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        // `&mut self`: both halves are gone, and the `Arc` ordered their accesses before this.
        if self.state.load(Ordering::Relaxed) == FULL {
            // SAFETY: FULL means a message was written and never taken; it is dropped once,
            // here.
            self.message
                .with_mut(|message_ptr| unsafe { (*message_ptr).assume_init_drop() });
        }
    }
}
