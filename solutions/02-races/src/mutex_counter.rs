use std::sync::PoisonError;

impl Counter for MutexCounter {
    fn increment(&self) {
        // A panic cannot leave a half-done `+= 1` behind, so a poisoned count is still right.
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    }

    fn get(&self) -> u64 {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
