impl<T> BoundedQueue<T> {
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.state();
        while state.items.len() == self.capacity && !state.closed {
            state = wait(&self.not_full, state);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    pub fn pop(&self) -> Option<T> {
        let mut state = self.state();
        while state.items.is_empty() && !state.closed {
            state = wait(&self.not_empty, state);
        }
        let item = state.items.pop_front()?;
        drop(state);
        self.not_full.notify_one();
        Some(item)
    }

    pub fn close(&self) {
        self.state().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}
