use crate::sync::atomic::Ordering;
use crate::sync::atomic::fence;

pub fn raise_then_look(mine: &AtomicBool, theirs: &AtomicBool) -> bool {
    mine.store(true, Ordering::Relaxed);
    // Release/Acquire would only order the store before *later* stores and the load before
    // *earlier* loads: a store followed by a load may still be reordered. Only a SeqCst fence
    // (between the two, in both threads) forbids it.
    fence(Ordering::SeqCst);
    theirs.load(Ordering::Relaxed)
}

impl Mailbox {
    pub fn publish(&self, value: u64) {
        self.value.store(value, Ordering::Relaxed);
        // Everything before this fence happens before whatever follows an acquire fence in a
        // thread that reads the `true` stored after it.
        fence(Ordering::Release);
        self.ready.store(true, Ordering::Relaxed);
    }

    pub fn read(&self) -> Option<u64> {
        if !self.ready.load(Ordering::Relaxed) {
            return None;
        }
        // Pairs with the release fence in `publish`: the load below sees the published value.
        fence(Ordering::Acquire);
        Some(self.value.load(Ordering::Relaxed))
    }
}
