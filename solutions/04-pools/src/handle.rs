impl ThreadPool {
    pub fn submit<T, F>(&self, job: F) -> Handle<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (sender, result) = mpsc::channel();
        self.execute(move || match panic::catch_unwind(AssertUnwindSafe(job)) {
            Ok(value) => {
                // The caller may have dropped the handle: then nobody wants the value.
                let _ = sender.send(Ok(value));
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                let _ = sender.send(Err(JobPanicked { message }));
                // Let the worker see the panic too, so that shutdown reports it.
                panic::resume_unwind(payload);
            }
        });
        Handle { result }
    }
}

impl<T> Handle<T> {
    pub fn join(self) -> Result<T, JobPanicked> {
        self.result.recv().unwrap_or_else(|_| {
            Err(JobPanicked {
                message: LOST_JOB.to_owned(),
            })
        })
    }
}
