use std::time::Instant;

/// The longest pause between two checks of a child that has not exited yet.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(10);

impl ChildGuard {
    pub fn wait_timeout(&mut self, limit: Duration) -> io::Result<Option<ExitStatus>> {
        let deadline = Instant::now() + limit;
        let mut pause = Duration::from_micros(100);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(Some(status));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.kill()?;
                return Ok(None);
            }
            thread::sleep(pause.min(left));
            pause = (pause * 2).min(MAX_POLL_INTERVAL);
        }
    }

    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        // `Child::kill` is a no-op for a child that has already been reaped.
        self.child.kill()?;
        self.child.wait()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
