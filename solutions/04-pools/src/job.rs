pub fn run_job(job: Job) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(job)) {
        Ok(()) => Outcome::Completed,
        Err(payload) => Outcome::Panicked(panic_message(&*payload)),
    }
}
