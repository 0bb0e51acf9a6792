use std::panic;
use std::thread;

pub fn download_all_threaded<F>(urls: &[&str], fetch: F) -> Vec<Download>
where
    F: Fn(&str) -> Vec<u8> + Sync,
{
    let fetch = &fetch;
    thread::scope(|scope| {
        let handles: Vec<_> = urls
            .iter()
            .map(|&url| {
                scope.spawn(move || Download {
                    url: url.to_owned(),
                    body: fetch(url),
                })
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
