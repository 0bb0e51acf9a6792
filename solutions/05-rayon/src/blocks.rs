use rayon::prelude::*;

pub fn map_blocks<T, R, F>(data: &[T], block_len: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync + Send,
{
    assert!(block_len > 0, "map_blocks: block_len must be at least 1");
    data.par_chunks(block_len).map(f).collect()
}
