//! Exercise 1.3: `download_all_threaded`. The tests play the network: `fetch` is theirs.

use std::panic;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use lab_support::{
    Flags, ON_PURPOSE, PATIENCE, Rendezvous, all_distinct, hide_deliberate_panics, lock, within,
    within_patience,
};
use lab_threads::downloads::{Download, download_all_threaded};

/// The bound for a call whose `fetch` itself waits up to [`PATIENCE`] for the other downloads:
/// long enough that the inner wait gives up first, with the message that says why.
const PATIENCE_AND_MORE: Duration = PATIENCE.saturating_mul(2);

const URLS: [&str; 3] = [
    "https://example.test/north.csv",
    "https://example.test/south.csv",
    "https://example.test/west.csv",
];

fn body_of(url: &str) -> Vec<u8> {
    format!("contents of {url}").into_bytes()
}

fn expected_downloads() -> Vec<Download> {
    URLS.iter()
        .map(|&url| Download {
            url: url.to_owned(),
            body: body_of(url),
        })
        .collect()
}

// ANCHOR: in_flight
#[test]
fn threaded_downloads_are_all_in_flight_at_once() {
    let (caller, downloads, ran_on) = within(
        "download_all_threaded, whose downloads wait for each other",
        PATIENCE_AND_MORE,
        || {
            let all_in_flight = Rendezvous::new(URLS.len());
            let ran_on = Mutex::new(Vec::new());
            // Each fake download returns only once every download has started.
            let downloads = download_all_threaded(&URLS, |url| {
                let thread =
                    all_in_flight.meet("downloads (start every thread before joining any)");
                lock(&ran_on).push(thread);
                body_of(url)
            });
            (
                thread::current().id(),
                downloads,
                ran_on.into_inner().unwrap(),
            )
        },
    );

    assert_eq!(downloads, expected_downloads(), "one download per URL");
    assert!(
        !ran_on.contains(&caller) && all_distinct(&ran_on),
        "each download needs a new thread of its own, not the caller's thread or a shared one"
    );
}
// ANCHOR_END: in_flight

#[test]
fn threaded_downloads_come_back_in_input_order() {
    // Download i may finish only after download i + 1 has finished, so they finish in reverse
    // order: west, south, north. The result must still follow the order of URLS.
    let downloads = within(
        "download_all_threaded, whose downloads finish last to first",
        PATIENCE_AND_MORE,
        || {
            let finished = Flags::new(URLS.len());
            let position = |url: &str| URLS.iter().position(|&u| u == url).expect("a known URL");
            download_all_threaded(&URLS, |url| {
                let i = position(url);
                if i + 1 < URLS.len() {
                    assert!(
                        finished.wait_for(i + 1),
                        "{url} waited in vain for {} to finish: were the downloads really all \
                         in flight at once?",
                        URLS[i + 1]
                    );
                }
                finished.raise(i);
                body_of(url)
            })
        },
    );

    assert_eq!(
        downloads,
        expected_downloads(),
        "results must be in the order of the URLs, not the order the downloads finished"
    );
}

#[test]
fn threaded_download_of_no_urls_returns_nothing() {
    let downloads = within_patience("download_all_threaded of no URLs", || {
        download_all_threaded(&[], |url| panic!("nothing to fetch, yet fetched {url}"))
    });
    assert!(downloads.is_empty(), "no URLs must give no downloads");
}

#[test]
fn a_failed_download_passes_its_panic_on() {
    hide_deliberate_panics();
    let outcome = within_patience("download_all_threaded with a fetch that panics", || {
        panic::catch_unwind(|| {
            download_all_threaded(&URLS, |url| {
                if url == URLS[1] {
                    panic::panic_any(format!("{url}: connection reset {ON_PURPOSE}"));
                }
                body_of(url)
            })
        })
    });
    let payload = match outcome {
        Ok(downloads) => panic!("a download panicked, but the function returned {downloads:?}"),
        Err(payload) => payload,
    };
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some(format!("{}: connection reset {ON_PURPOSE}", URLS[1]).as_str()),
        "download_all_threaded must panic with the failed download's own payload (join it and \
         use std::panic::resume_unwind), not with a message of its own"
    );
}
