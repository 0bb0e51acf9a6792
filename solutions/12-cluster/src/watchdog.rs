impl Watchdog {
    pub fn observe(&mut self, progress: Progress, now: Instant) -> Result<(), Stalled> {
        let Some(patience) = self.patience else {
            return Ok(());
        };
        let since = match self.last {
            Some((last, since)) if last == progress => since,
            _ => now,
        };
        self.last = Some((progress, since));
        let waited = now.saturating_duration_since(since);
        if progress.pending() && waited >= patience {
            Err(Stalled {
                epoch: progress.complete,
                waited,
            })
        } else {
            Ok(())
        }
    }
}
