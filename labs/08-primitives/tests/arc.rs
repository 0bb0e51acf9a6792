//! Exercise 8.4 on real threads: what `Arc` and `Weak` keep alive, and `get_mut`.
//! `tests/loom_arc.rs` checks the orderings; `tests/arc_memory.rs` checks that the allocation is
//! freed.

#![cfg(not(feature = "loom"))]

mod common;

use std::thread;

use common::{Counted, drop_counter, drops};
use lab_primitives::arc::Arc;
use lab_support::within_patience;

#[test]
fn clones_share_one_value() {
    let a = Arc::new(String::from("shared"));
    let b = a.clone();
    assert_eq!(*b, "shared", "a clone derefs to the same value");
    assert!(Arc::ptr_eq(&a, &b), "a clone points to the same allocation");
}

#[test]
fn the_value_is_dropped_once_when_the_last_arc_goes() {
    let counter = drop_counter();
    let a = Arc::new(Counted::new(1, &counter));
    let b = a.clone();
    let c = b.clone();
    drop(a);
    drop(b);
    assert_eq!(
        drops(&counter),
        0,
        "an Arc still exists: the value must be alive"
    );
    assert_eq!(c.id, 1);
    drop(c);
    assert_eq!(
        drops(&counter),
        1,
        "the last Arc is gone: the value must be dropped exactly once"
    );
}

#[test]
fn a_weak_does_not_keep_the_value_alive() {
    let counter = drop_counter();
    let a = Arc::new(Counted::new(1, &counter));
    let weak = Arc::downgrade(&a);
    let weak_too = weak.clone();
    drop(a);
    assert_eq!(
        drops(&counter),
        1,
        "the last Arc is gone: the value must be dropped although Weaks remain"
    );
    assert!(
        weak.upgrade().is_none(),
        "upgrade after the last Arc is gone must return None"
    );
    drop(weak);
    drop(weak_too);
    assert_eq!(
        drops(&counter),
        1,
        "dropping the Weaks must not drop the value again"
    );
}

#[test]
fn upgrade_gives_an_arc_while_one_exists() {
    let counter = drop_counter();
    let a = Arc::new(Counted::new(7, &counter));
    let weak = Arc::downgrade(&a);
    let b = weak
        .upgrade()
        .expect("an Arc exists, so upgrade must succeed");
    assert!(
        Arc::ptr_eq(&a, &b),
        "the upgraded Arc points to the same value"
    );
    assert_eq!(b.id, 7);
    drop(a);
    assert_eq!(
        drops(&counter),
        0,
        "the upgraded Arc still holds the value: it must not be dropped"
    );
    drop(b);
    assert_eq!(
        drops(&counter),
        1,
        "the last Arc (the upgraded one) is gone"
    );
    assert!(weak.upgrade().is_none());
}

#[test]
fn get_mut_is_some_only_for_the_only_handle() {
    let mut a = Arc::new(1_u32);
    *Arc::get_mut(&mut a).expect("a single Arc and no Weak: get_mut must succeed") += 1;
    assert_eq!(*a, 2, "a change through get_mut must stay");

    let b = a.clone();
    assert!(
        Arc::get_mut(&mut a).is_none(),
        "another Arc exists: get_mut must return None"
    );
    drop(b);
    assert!(
        Arc::get_mut(&mut a).is_some(),
        "the other Arc is gone: get_mut must succeed again"
    );

    let weak = Arc::downgrade(&a);
    assert!(
        Arc::get_mut(&mut a).is_none(),
        "a Weak exists (it could upgrade while the &mut is in use): get_mut must return None"
    );
    drop(weak);
    assert!(
        Arc::get_mut(&mut a).is_some(),
        "the Weak is gone: get_mut must succeed again"
    );
}

#[test]
fn arcs_cloned_and_dropped_on_many_threads_drop_the_value_once() {
    const THREADS: usize = 4;
    const CLONES: usize = 20_000;
    let counter = drop_counter();
    let shared = Arc::new(Counted::new(3, &counter));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let mine = shared.clone();
            thread::spawn(move || {
                for _ in 0..CLONES {
                    let clone = mine.clone();
                    let weak = Arc::downgrade(&clone);
                    assert_eq!(weak.upgrade().map(|a| a.id), Some(3));
                }
            })
        })
        .collect();
    within_patience("four threads cloning and dropping", move || {
        for t in threads {
            t.join().expect("a cloning thread panicked");
        }
    });
    assert_eq!(
        drops(&counter),
        0,
        "the test still holds an Arc: the value must be alive"
    );
    drop(shared);
    assert_eq!(
        drops(&counter),
        1,
        "after every clone on every thread is gone, the value must be dropped exactly once"
    );
}
