//! A small seeded random number generator (given, not an exercise), so that a bootstrap
//! (Exercise 10.2) gives the same answer on every run with the same seed.
//!
//! It is SplitMix64: fast, statistically good enough for resampling, and not for cryptography.
//! (In your own projects, the `rand` crate offers the same with more choice.)

// ANCHOR: rng
/// A seeded pseudo-random number generator: the same seed gives the same numbers, every run.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator that starts from `seed`.
    pub fn seeded(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next number, uniform over all of `u64`.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, each equally likely (to within one part in 2^64).
    ///
    /// # Panics
    ///
    /// If `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "Rng::below(0): there is no number below 0 to choose");
        // The high 64 bits of a 64 × 64-bit product: an unbiased-enough scaling to `0..n`.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}
// ANCHOR_END: rng
