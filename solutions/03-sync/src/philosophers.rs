impl Table {
    pub fn dine<R>(&self, seat: usize, eat: impl FnOnce() -> R) -> R {
        let (left, right) = self.forks_of(seat);
        let (first, second) = (left.min(right), left.max(right));
        let _first = lock(&self.forks[first]);
        let _second = lock(&self.forks[second]);
        eat()
    }
}
