use std::panic;
use std::sync::Arc;
use std::thread;
use std::thread::JoinHandle;

pub fn map_on_threads<T, R, F>(inputs: Vec<T>, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let handles: Vec<JoinHandle<R>> = inputs
        .into_iter()
        .map(|input| {
            let work = Arc::clone(&work);
            thread::spawn(move || work(input))
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
}
