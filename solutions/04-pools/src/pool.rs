impl ThreadPool {
    pub fn new(workers: usize) -> Result<ThreadPool, PoolError> {
        if workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut pool = ThreadPool {
            queue: Arc::new(JobQueue::new()),
            workers: Vec::with_capacity(workers),
        };
        for index in 0..workers {
            let queue = Arc::clone(&pool.queue);
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{index}"))
                .spawn(move || queue.work_until_closed())
                // On error `pool` is dropped here, which closes the queue and joins the
                // workers started so far.
                .map_err(PoolError::Spawn)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if self.queue.push(Box::new(job)).is_err() {
            unreachable!("the queue closes only when the pool shuts down, which needs the pool");
        }
    }

    fn close_and_join(&mut self) -> ShutdownReport {
        self.queue.close();
        let mut report = ShutdownReport::default();
        for worker in self.workers.drain(..) {
            match worker.join() {
                Ok(worker_report) => report.merge(worker_report),
                Err(payload) => report.panicked.push(panic_message(&*payload)),
            }
        }
        report
    }
}
