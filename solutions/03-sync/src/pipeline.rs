pub fn parallel_map<I, T, R, F>(inputs: I, workers: usize, capacity: usize, work: F) -> Vec<R>
where
    I: IntoIterator<Item = T>,
    I::IntoIter: Send,
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(workers > 0, "parallel_map needs at least one worker");
    assert!(
        capacity > 0,
        "parallel_map needs a job channel of capacity 1 or more"
    );
    let inputs = inputs.into_iter();
    let work = &work;

    thread::scope(|s| {
        let (job_tx, job_rx) = bounded(capacity);
        let (result_tx, result_rx) = bounded(capacity);

        for _ in 0..workers {
            let job_rx = job_rx.clone();
            let result_tx = result_tx.clone();
            s.spawn(move || {
                for (index, item) in job_rx {
                    if result_tx.send((index, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        // Only the threads may keep these ends alive, or the channels never disconnect.
        drop(job_rx);
        drop(result_tx);

        s.spawn(move || {
            for job in inputs.enumerate() {
                if job_tx.send(job).is_err() {
                    break; // every worker is gone (one panicked): stop feeding
                }
            }
        });

        let mut results: Vec<(usize, R)> = result_rx.iter().collect();
        results.sort_unstable_by_key(|&(index, _)| index);
        results.into_iter().map(|(_, result)| result).collect()
    })
}
