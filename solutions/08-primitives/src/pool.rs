use crossbeam::deque::Steal;

impl StealingPool {
    pub fn spawn<F>(&self, job: F)
    where
        F: FnOnce(&Local<'_>) + Send + 'static,
    {
        self.shared.job_queued();
        self.shared.injector.push(Box::new(job));
        self.shared.sleep.new_work();
    }
}

impl Local<'_> {
    pub fn spawn<F>(&self, job: F)
    where
        F: FnOnce(&Local<'_>) + Send + 'static,
    {
        self.shared.job_queued();
        self.deque.push(Box::new(job));
        self.shared.sleep.new_work();
    }
}

fn find_job(index: usize, deque: &Worker<Job>, shared: &Shared) -> Option<Job> {
    if let Some(job) = deque.pop() {
        return Some(job);
    }
    loop {
        // `Steal` collects into `Success` if any steal succeeded, `Retry` if none did but one
        // lost a race, and `Empty` only if every place was empty.
        let found = shared.injector.steal_batch_and_pop(deque).or_else(|| {
            shared
                .stealers
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .map(|(_, stealer)| stealer.steal())
                .collect::<Steal<Job>>()
        });
        match found {
            Steal::Success(job) => return Some(job),
            Steal::Empty => return None,
            Steal::Retry => continue,
        }
    }
}
