//! Exercise 5.4: work on fixed-size blocks of a slice with `par_chunks`.

// Parallel iterators need their traits in scope: add `use rayon::prelude::*;` here.

// ANCHOR: checksum
/// The Adler-32 checksum of `block` (the checksum of zlib).
pub fn adler32(block: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in block {
        a = (a + u32::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    (b << 16) | a
}
// ANCHOR_END: checksum

// ANCHOR: todo
/// Splits `data` into blocks of `block_len` items (the last block is shorter when `block_len`
/// does not divide `data.len()`), calls `f` once on every block with a rayon parallel iterator,
/// on the threads of the current pool, several at once, and returns the results in block
/// order. An empty `data` has no blocks.
///
/// # Panics
///
/// If `block_len` is 0.
pub fn map_blocks<T, R, F>(data: &[T], block_len: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync + Send,
{
    todo!("5.4: a parallel iterator over the blocks — see the chapter, Exercise 5.4")
}
// ANCHOR_END: todo

// ANCHOR: block_checksums
/// The [`adler32`] checksum of every block of `data`, in parallel with [`map_blocks`], in block
/// order.
///
/// # Panics
///
/// If `block_len` is 0.
pub fn block_checksums(data: &[u8], block_len: usize) -> Vec<u32> {
    map_blocks(data, block_len, adler32)
}
// ANCHOR_END: block_checksums
