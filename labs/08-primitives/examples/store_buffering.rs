//! Store buffering on your own machine: two threads each store to their own flag, then load the
//! other's, many times over. How often do *both* loads return 0?
//!
//! ```console
//! $ cargo run --release -p lab-primitives --example store_buffering
//! ```
//!
//! With `-- --markdown` it prints the table chapter 08 includes.
//!
//! This program does not use your code: it shows what the hardware does with each choice of
//! ordering. With `Release` stores and `Acquire` loads, x86 and ARM processors both let a store
//! wait in the core's store buffer while the next load goes ahead, and both threads read 0 now and
//! then. A `SeqCst` store (an `xchg` on x86) or a `fence(SeqCst)` (an `mfence`) between the store
//! and the load forbids it. A count of 0 for the weak version proves nothing, though: the
//! outcome is allowed, not promised, and a loaded machine makes the two threads overlap less.

use std::hint;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};
use std::thread;
use std::time::Instant;

const TRIALS: usize = 50_000;

/// How each thread stores its flag and loads the other's.
#[derive(Clone, Copy)]
enum Variant {
    ReleaseAcquire,
    SeqCstAccesses,
    SeqCstFence,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::ReleaseAcquire => "store(Release); load(Acquire)",
            Variant::SeqCstAccesses => "store(SeqCst); load(SeqCst)",
            Variant::SeqCstFence => "store(Relaxed); fence(SeqCst); load(Relaxed)",
        }
    }

    fn store_then_load(self, mine: &AtomicBool, theirs: &AtomicBool) -> bool {
        match self {
            Variant::ReleaseAcquire => {
                mine.store(true, Ordering::Release);
                theirs.load(Ordering::Acquire)
            }
            Variant::SeqCstAccesses => {
                mine.store(true, Ordering::SeqCst);
                theirs.load(Ordering::SeqCst)
            }
            Variant::SeqCstFence => {
                mine.store(true, Ordering::Relaxed);
                fence(Ordering::SeqCst);
                theirs.load(Ordering::Relaxed)
            }
        }
    }
}

/// A meeting point for two threads that spins, so that both leave it at nearly the same moment.
struct SpinBarrier {
    arrived: AtomicUsize,
    generation: AtomicU32,
}

impl SpinBarrier {
    fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) == 1 {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
        } else {
            let mut spins = 0_u32;
            while self.generation.load(Ordering::Acquire) == generation {
                spins += 1;
                if spins.is_multiple_of(1024) {
                    // On a loaded machine the other thread may not be running at all.
                    thread::yield_now();
                } else {
                    hint::spin_loop();
                }
            }
        }
    }
}

/// Runs `TRIALS` rounds; returns in how many both threads read `false`.
fn both_missed(variant: Variant) -> usize {
    let x = AtomicBool::new(false);
    let y = AtomicBool::new(false);
    let b_saw = AtomicBool::new(false);
    let barrier = SpinBarrier {
        arrived: AtomicUsize::new(0),
        generation: AtomicU32::new(0),
    };
    let mut both = 0;
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..TRIALS {
                barrier.wait();
                let saw = variant.store_then_load(&y, &x);
                b_saw.store(saw, Ordering::Relaxed);
                barrier.wait();
                barrier.wait();
            }
        });
        for _ in 0..TRIALS {
            barrier.wait();
            let a_saw = variant.store_then_load(&x, &y);
            barrier.wait();
            if !a_saw && !b_saw.load(Ordering::Relaxed) {
                both += 1;
            }
            x.store(false, Ordering::Relaxed);
            y.store(false, Ordering::Relaxed);
            barrier.wait();
        }
    });
    both
}

fn main() {
    // `--markdown` prints the table chapter 08 includes.
    let markdown = std::env::args().nth(1).as_deref() == Some("--markdown");
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    if markdown {
        println!("Store buffering, {TRIALS} trials each, on {threads} hardware threads.\n");
        println!("| store, then load | trials where both read false | time |");
        println!("| --- | ---: | ---: |");
    } else {
        println!("store buffering, {TRIALS} trials each, on {threads} hardware threads:");
    }
    for variant in [
        Variant::ReleaseAcquire,
        Variant::SeqCstAccesses,
        Variant::SeqCstFence,
    ] {
        let start = Instant::now();
        let both = both_missed(variant);
        let took = start.elapsed();
        if markdown {
            println!("| `{}` | {both} | {took:.1?} |", variant.name());
        } else {
            println!(
                "  {:<46} both read false in {both:>6} trials ({took:.1?})",
                variant.name()
            );
        }
    }
}
