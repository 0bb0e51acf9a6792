use crate::sync::atomic::Ordering;
use crate::sync::atomic::fence;

impl<T> Arc<T> {
    pub fn get_mut(arc: &mut Self) -> Option<&mut T> {
        // Every `Arc` holds a `Weak`, so a weak count of 1 means this `Arc` is the only handle
        // of any kind, and nobody can make another: `&mut Self` keeps this one from being
        // cloned or downgraded.
        if arc.weak.data().weak.load(Ordering::Relaxed) != 1 {
            return None;
        }
        // Pairs with the Release decrements of the handles that are gone: their uses of the
        // value happen before ours.
        fence(Ordering::Acquire);
        // SAFETY: no other handle exists, so nobody else can reach the value while the returned
        // reference (tied to `arc`) is in use.
        let data = unsafe { &mut *arc.weak.data().data.get() };
        data.as_mut()
    }

    pub fn downgrade(arc: &Self) -> Weak<T> {
        arc.weak.clone()
    }
}

impl<T> Weak<T> {
    pub fn upgrade(&self) -> Option<Arc<T>> {
        let strong = &self.data().strong;
        let mut n = strong.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                return None;
            }
            assert!(n < usize::MAX / 2, "too many Arcs");
            // Only from a count that is not zero: a value that is being dropped stays dropped.
            match strong.compare_exchange_weak(n, n + 1, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(Arc { weak: self.clone() }),
                Err(now) => n = now,
            }
        }
    }
}

impl<T> Clone for Arc<T> {
    fn clone(&self) -> Self {
        let weak = self.weak.clone();
        // Relaxed: this `Arc` keeps the count above zero, so nothing can be dropped meanwhile,
        // and the count orders nothing else.
        if weak.data().strong.fetch_add(1, Ordering::Relaxed) > usize::MAX / 2 {
            std::process::abort();
        }
        Arc { weak }
    }
}

impl<T> Drop for Arc<T> {
    fn drop(&mut self) {
        // Release: this thread's uses of the value happen before the drop below, on whichever
        // thread lets go of the last `Arc`.
        if self.weak.data().strong.fetch_sub(1, Ordering::Release) == 1 {
            // Acquire: pairs with the other `Arc`s' Release decrements.
            fence(Ordering::Acquire);
            // SAFETY: the count is zero: no `Arc` is left to reach the value, and a `Weak` can no
            // longer upgrade. So nobody else uses it while it is dropped.
            unsafe { *self.weak.data().data.get() = None };
        }
    }
}

impl<T> Clone for Weak<T> {
    fn clone(&self) -> Self {
        if self.data().weak.fetch_add(1, Ordering::Relaxed) > usize::MAX / 2 {
            std::process::abort();
        }
        Weak { ptr: self.ptr }
    }
}

impl<T> Drop for Weak<T> {
    fn drop(&mut self) {
        if self.data().weak.fetch_sub(1, Ordering::Release) == 1 {
            fence(Ordering::Acquire);
            // SAFETY: this was the last handle of any kind: nobody will touch the allocation
            // again, and it came from `Box::leak` in `Arc::new`.
            drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
        }
    }
}
