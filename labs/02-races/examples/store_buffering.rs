//! Store buffering: the one case in this chapter where `Release` and `Acquire` are not enough.
//!
//! ```console
//! $ cargo run -p lab-races --release --features loom --example store_buffering
//! ```
//!
//! Two threads each raise their own flag and then look at the other's (the first step of
//! Dekker's mutual exclusion). Whatever the interleaving, you would expect at least one of them to
//! see the other's flag up. With `Release` stores and `Acquire` loads that is not promised: both
//! may read `false`. Loom checks each variant under every execution its memory model allows and
//! prints whether both threads can read `false`.

use std::sync::atomic::{AtomicBool as Seen, Ordering as Std};

use lab_races::sync::atomic::{AtomicBool, Ordering, fence};
use lab_races::sync::{Arc, thread};
use lab_support::loom::{Bound, model};

/// How a thread raises its flag and looks at the other's.
#[derive(Clone, Copy)]
struct Variant {
    name: &'static str,
    store: Ordering,
    load: Ordering,
    fence: bool,
}

// ANCHOR: raise_then_look
/// Raises `mine`, then reports whether `theirs` is up.
fn raise_then_look(mine: &AtomicBool, theirs: &AtomicBool, v: Variant) -> bool {
    mine.store(true, v.store);
    if v.fence {
        // One total order over every SeqCst fence: of two threads that each pass one, the later
        // sees everything the earlier did before its fence.
        fence(Ordering::SeqCst);
    }
    theirs.load(v.load)
}
// ANCHOR_END: raise_then_look

/// Whether, in some execution loom explores, both threads read `false`.
fn both_can_miss(v: Variant) -> bool {
    let both_missed = std::sync::Arc::new(Seen::new(false));
    let record = std::sync::Arc::clone(&both_missed);
    model(Bound::Exhaustive, move || {
        let (a, b) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let other = thread::spawn({
            let (a, b) = (Arc::clone(&a), Arc::clone(&b));
            move || raise_then_look(&b, &a, v)
        });
        let i_saw_b = raise_then_look(&a, &b, v);
        let b_saw_me = other.join().expect("the other thread panicked");
        if !i_saw_b && !b_saw_me {
            record.store(true, Std::Relaxed);
        }
    });
    both_missed.load(Std::Relaxed)
}

fn main() {
    use Ordering::{Acquire, Relaxed, Release, SeqCst};
    let variants = [
        ("Relaxed store, Relaxed load", Relaxed, Relaxed, false),
        ("Release store, Acquire load", Release, Acquire, false),
        ("SeqCst store, SeqCst load", SeqCst, SeqCst, false),
        (
            "Release store, fence(SeqCst), Acquire load",
            Release,
            Acquire,
            true,
        ),
    ];
    println!("Can both threads read `false`? (loom, every execution of two threads)\n");
    for (name, store, load, fence) in variants {
        let v = Variant {
            name,
            store,
            load,
            fence,
        };
        let answer = if both_can_miss(v) { "yes" } else { "no" };
        println!("{:<45} {answer}", v.name);
    }
    println!(
        "\nLoom 0.7 treats SeqCst loads and stores as AcqRel (its README says so), so its \"yes\" \
         for them is a false alarm: the C++ memory model that Rust uses forbids that outcome. \
         It does support SeqCst fences."
    );
}
