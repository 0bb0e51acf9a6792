//! Exercise 1.3: several simulated downloads, one after another and then all at once.
//!
//! The caller supplies `fetch`, the function that "downloads" one URL, so the same code runs
//! against a fake network in the tests and the example.

/// One finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The URL passed to `fetch`.
    pub url: String,
    /// What `fetch` returned for it.
    pub body: Vec<u8>,
}

// ANCHOR: sequential
/// Downloads every URL in turn: the next download starts only when the previous one has finished.
/// The results are in the order of `urls`.
pub fn download_all_sequential<F>(urls: &[&str], fetch: F) -> Vec<Download>
where
    F: Fn(&str) -> Vec<u8>,
{
    urls.iter()
        .map(|&url| Download {
            url: url.to_owned(),
            body: fetch(url),
        })
        .collect()
}
// ANCHOR_END: sequential

// ANCHOR: threaded
/// Downloads every URL on a thread of its own (a new thread for each URL, none on the calling
/// thread), all of them in flight at the same time, and returns the results in the order of
/// `urls` (not the order in which they finish).
///
/// `fetch` is called from all the threads at once, hence `Sync`. Scoped threads can borrow it
/// and the URLs, with no `Arc` and no `'static`. No URLs, no threads: the result is empty.
///
/// # Panics
///
/// With the same payload if a call of `fetch` panics (re-raised with
/// [`std::panic::resume_unwind`]).
pub fn download_all_threaded<F>(urls: &[&str], fetch: F) -> Vec<Download>
where
    F: Fn(&str) -> Vec<u8> + Sync,
{
    todo!(
        "1.3: download every URL on its own thread, results in input order — see the chapter, Exercise 1.3"
    )
}
// ANCHOR_END: threaded
