use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::thread;

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        // If the thread is not parked yet, this leaves it a token: its next `park` returns at
        // once, so a wake during a poll is not lost.
        self.thread.unpark();
    }
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker {
        thread: thread::current(),
    }));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Sleep until the waker is woken (or, rarely, spuriously: then we just poll again).
        thread::park();
    }
}
