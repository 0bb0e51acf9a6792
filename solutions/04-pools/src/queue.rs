impl JobQueue {
    pub fn push(&self, job: Job) -> Result<(), Job> {
        let mut state = self.lock();
        if state.closed {
            return Err(job);
        }
        state.jobs.push_back(job);
        drop(state);
        self.job_ready.notify_one();
        Ok(())
    }

    pub fn close(&self) {
        self.lock().closed = true;
        self.job_ready.notify_all();
    }

    pub fn next_job(&self) -> Option<Job> {
        let state = self.lock();
        let mut state = self
            .job_ready
            .wait_while(state, |s| s.jobs.is_empty() && !s.closed)
            .unwrap_or_else(PoisonError::into_inner);
        state.jobs.pop_front()
    }

    pub fn work_until_closed(&self) -> ShutdownReport {
        let mut report = ShutdownReport::default();
        while let Some(job) = self.next_job() {
            report.record(run_job(job));
        }
        report
    }
}
