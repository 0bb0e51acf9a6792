//! A pretend text editor that stays responsive: the foreground handles every keystroke at once,
//! while a pool of two workers saves the file and spell-checks each word in the background.
//!
//! Saving takes 150 ms and a spell check 80 ms here (they sleep, as a program waits for a disk or
//! a dictionary service), but no keystroke waits for them: the program prints how long the
//! slowest keystroke took to handle.
//!
//! Run it with `cargo run -p lab-pools --example responsive`. It needs your pool (Exercises
//! 4.1 to 4.4); until then it stops at the first `todo!()`.

use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::{Duration, Instant};

use lab_pools::{PoolError, ThreadPool};

const TEXT: &str = "the quick brwon fox jumps ovr the lazy dog ";
/// Time between two keystrokes: a fast typist.
const KEY_INTERVAL: Duration = Duration::from_millis(40);
const SAVE_TIME: Duration = Duration::from_millis(150);
const SPELL_CHECK_TIME: Duration = Duration::from_millis(80);
const DICTIONARY: [&str; 8] = [
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
];

fn ms(clock: Instant) -> u128 {
    clock.elapsed().as_millis()
}

/// Background job: pretends to write `text` to disk, then says so.
fn save(text: String, events: Sender<String>) {
    thread::sleep(SAVE_TIME);
    let _ = events.send(format!("saved {} bytes", text.len()));
}

/// Background job: pretends to look `word` up, then reports a misspelling.
fn spell_check(word: String, events: Sender<String>) {
    thread::sleep(SPELL_CHECK_TIME);
    if !DICTIONARY.contains(&word.as_str()) {
        let _ = events.send(format!("\"{word}\" looks misspelt"));
    }
}

fn main() -> Result<(), PoolError> {
    let pool = ThreadPool::new(2)?;
    let (events_sender, events) = mpsc::channel();
    let clock = Instant::now();
    let mut typed = String::new();
    let mut slowest_key = Duration::ZERO;

    // ANCHOR: foreground
    for key in TEXT.chars() {
        let handled = Instant::now();
        typed.push(key);
        if key == ' ' {
            // The end of a word: hand the slow work to the pool and go straight back to typing.
            let word = typed
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_owned();
            println!("{:>5} ms  typed \"{word}\"", ms(clock));
            let sender = events_sender.clone();
            pool.execute(move || spell_check(word, sender));
            let (snapshot, sender) = (typed.clone(), events_sender.clone());
            pool.execute(move || save(snapshot, sender));
        }
        // Show whatever the background has finished, without waiting for anything.
        for event in events.try_iter() {
            println!("{:>5} ms      background: {event}", ms(clock));
        }
        slowest_key = slowest_key.max(handled.elapsed());
        thread::sleep(KEY_INTERVAL); // the user's next keystroke
    }
    // ANCHOR_END: foreground

    drop(events_sender);
    let report = pool.shutdown(); // runs the saves and checks still queued
    for event in events.try_iter() {
        println!("{:>5} ms      background: {event}", ms(clock));
    }
    println!(
        "\n{} background jobs ran; the slowest keystroke took {slowest_key:?} to handle, \
         while a save takes {SAVE_TIME:?}",
        report.completed
    );
    Ok(())
}
