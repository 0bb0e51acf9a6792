impl CountDownLatch {
    pub fn count_down(&self) {
        let mut remaining = lock(&self.remaining);
        if *remaining == 0 {
            return;
        }
        *remaining -= 1;
        if *remaining == 0 {
            self.opened.notify_all();
        }
    }

    pub fn wait(&self) {
        let mut remaining = lock(&self.remaining);
        while *remaining > 0 {
            remaining = wait(&self.opened, remaining);
        }
    }
}
