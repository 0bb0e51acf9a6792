use crate::handle::Handle;

impl ThreadPool {
    pub fn map<I, T, F>(&self, inputs: I, f: F) -> Vec<T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        T: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        let handles: Vec<Handle<T>> = inputs
            .into_iter()
            .map(|input| {
                let f = Arc::clone(&f);
                self.submit(move || f(input))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|failed| {
                    panic!("a job of ThreadPool::map panicked: {}", failed.message)
                })
            })
            .collect()
    }
}
