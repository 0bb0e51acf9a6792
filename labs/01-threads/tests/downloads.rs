//! Exercise 1.3: `download_all_threaded`. The tests play the network: `fetch` is theirs.

mod common;

use common::{Flags, Rendezvous};
use lab_threads::downloads::{Download, download_all_threaded};

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
    let all_in_flight = Rendezvous::new(URLS.len());

    // Each fake download returns only once every download has started.
    let downloads = download_all_threaded(&URLS, |url| {
        if let Err(missed) = all_in_flight.wait() {
            panic!(
                "{url}: only {} of {} downloads were in flight at the same time; \
                 start every thread before joining any of them",
                missed.arrived, missed.parties
            );
        }
        body_of(url)
    });

    assert_eq!(downloads, expected_downloads());
}
// ANCHOR_END: in_flight

#[test]
fn threaded_downloads_come_back_in_input_order() {
    // Download i may finish only after download i + 1 has finished, so they finish in reverse
    // order: west, south, north. The result must still follow the order of URLS.
    let finished = Flags::new(URLS.len());
    let position = |url: &str| URLS.iter().position(|&u| u == url).expect("a known URL");

    let downloads = download_all_threaded(&URLS, |url| {
        let i = position(url);
        if i + 1 < URLS.len() {
            assert!(
                finished.wait_for(i + 1),
                "{url} waited in vain for {} to finish: were the downloads really all in flight \
                 at once?",
                URLS[i + 1]
            );
        }
        finished.raise(i);
        body_of(url)
    });

    assert_eq!(
        downloads,
        expected_downloads(),
        "results must be in the order of the URLs, not the order the downloads finished"
    );
}

#[test]
fn threaded_download_of_no_urls_returns_nothing() {
    let downloads = download_all_threaded(&[], |url| panic!("nothing to fetch, yet fetched {url}"));
    assert!(downloads.is_empty());
}
