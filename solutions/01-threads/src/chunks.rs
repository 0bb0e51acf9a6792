use std::panic;
use std::thread;

pub fn chunk_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "cannot split work into 0 parts");
    let parts = parts.min(len);
    if parts == 0 {
        return Vec::new();
    }
    let base = len / parts;
    let longer = len % parts;
    let mut start = 0;
    (0..parts)
        .map(|part| {
            let size = base + usize::from(part < longer);
            let range = start..start + size;
            start += size;
            range
        })
        .collect()
}

pub fn chunked_map<T, R, F>(items: &[T], threads: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    let ranges = chunk_ranges(items.len(), threads);
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| {
                let chunk = &items[range];
                scope.spawn(move || work(chunk))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| panic::resume_unwind(payload))
            })
            .collect()
    })
}

pub fn parallel_sum(items: &[u64], threads: usize) -> u64 {
    chunked_map(items, threads, |chunk| chunk.iter().sum::<u64>())
        .into_iter()
        .sum()
}
