//! What loom finds: every outcome of the two litmus tests of Exercise 8.1 that loom explores,
//! for each choice of orderings. This program does not use your code.
//!
//! ```console
//! $ cargo run --release -p lab-primitives --features loom --example litmus_outcomes
//! ```
//!
//! Store buffering: each thread stores `true` into its own flag, then loads the other's; an
//! outcome is the pair of values loaded. Message passing: one thread writes a value, then a flag;
//! the other reads the flag, then the value; an outcome is what the reader saw.
//!
//! Loom explores the interleavings, and for each load every value the memory model allows it
//! (within loom's limits). Look at the `SeqCst` loads and stores: the Rust (C++) memory model
//! forbids `(false, false)` for them, but loom treats them like `AcqRel` ones and shows it
//! anyway. Only `fence(SeqCst)` is modelled exactly.

use std::collections::BTreeSet;
use std::sync::{Arc as StdArc, Mutex as StdMutex};

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use loom::thread;

fn explore<T: Ord + Send + 'static>(model: impl Fn() -> T + Sync + Send + 'static) -> BTreeSet<T> {
    let seen = StdArc::new(StdMutex::new(BTreeSet::new()));
    let record = StdArc::clone(&seen);
    loom::model(move || {
        let outcome = model();
        record.lock().unwrap().insert(outcome);
    });
    StdArc::try_unwrap(seen).ok().unwrap().into_inner().unwrap()
}

/// Store buffering with the given store and load orderings, and a `fence(SeqCst)` between them
/// if `fenced`.
fn store_buffering(store: Ordering, load: Ordering, fenced: bool) -> BTreeSet<(bool, bool)> {
    explore(move || {
        let x = Arc::new(AtomicBool::new(false));
        let y = Arc::new(AtomicBool::new(false));
        let other = thread::spawn({
            let (x, y) = (Arc::clone(&x), Arc::clone(&y));
            move || {
                y.store(true, store);
                if fenced {
                    fence(Ordering::SeqCst);
                }
                x.load(load)
            }
        });
        x.store(true, store);
        if fenced {
            fence(Ordering::SeqCst);
        }
        let a = y.load(load);
        (a, other.join().unwrap())
    })
}

/// Message passing: the value and the flag with Relaxed accesses, and release/acquire fences
/// around them if `fenced`. An outcome is `None` (flag not seen) or `Some(value read)`.
fn message_passing(fenced: bool) -> BTreeSet<Option<u64>> {
    explore(move || {
        let value = Arc::new(AtomicU64::new(0));
        let ready = Arc::new(AtomicBool::new(false));
        let writer = thread::spawn({
            let (value, ready) = (Arc::clone(&value), Arc::clone(&ready));
            move || {
                value.store(42, Ordering::Relaxed);
                if fenced {
                    fence(Ordering::Release);
                }
                ready.store(true, Ordering::Relaxed);
            }
        });
        let seen = ready.load(Ordering::Relaxed).then(|| {
            if fenced {
                fence(Ordering::Acquire);
            }
            value.load(Ordering::Relaxed)
        });
        writer.join().unwrap();
        seen
    })
}

fn main() {
    println!("store buffering: (what this thread read, what the other read)");
    for (name, store, load, fenced) in [
        ("Relaxed", Ordering::Relaxed, Ordering::Relaxed, false),
        (
            "Release store, Acquire load",
            Ordering::Release,
            Ordering::Acquire,
            false,
        ),
        (
            "SeqCst store, SeqCst load",
            Ordering::SeqCst,
            Ordering::SeqCst,
            false,
        ),
        (
            "Relaxed with fence(SeqCst)",
            Ordering::Relaxed,
            Ordering::Relaxed,
            true,
        ),
    ] {
        println!("  {name:<32} {:?}", store_buffering(store, load, fenced));
    }
    println!("message passing: None if the flag was not seen, else Some(value read)");
    println!(
        "  {:<32} {:?}",
        "Relaxed, no fences",
        message_passing(false)
    );
    println!(
        "  {:<32} {:?}",
        "Relaxed, release/acquire fences",
        message_passing(true)
    );
}
