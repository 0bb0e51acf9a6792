//! Exercise 8.4: the allocation behind an `Arc` is freed when its last `Arc` or `Weak` goes,
//! and not before.
//!
//! This test binary counts the bytes each thread allocates and frees, with a global allocator of
//! its own (which is why it is a file of its own).

#![cfg(not(feature = "loom"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use lab_primitives::arc::Arc;

struct Counting;

thread_local! {
    /// Bytes this thread has allocated minus bytes it has freed.
    static NET: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    // `try_with`: the allocator also runs while a thread's locals are being torn down.
    let _ = NET.try_with(|net| net.set(net.get() + bytes));
}

// SAFETY: every call is passed on to the system allocator unchanged; the count is a side effect.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        // SAFETY: as the caller promised for `layout`.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        // SAFETY: `ptr` came from `alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn net() -> isize {
    NET.with(Cell::get)
}

#[test]
fn the_allocation_is_freed_when_the_last_handle_goes() {
    let start = net();
    let a = Arc::new(0_u64);
    let allocated = net() - start;
    assert!(allocated > 0, "Arc::new must allocate");
    let b = a.clone();
    let weak = Arc::downgrade(&a);
    drop(a);
    drop(b);
    assert_eq!(
        net() - start,
        allocated,
        "a Weak is left: the allocation must stay (the Weak still reads its counters)"
    );
    assert!(weak.upgrade().is_none());
    let weak_too = weak.clone();
    drop(weak);
    drop(weak_too);
    assert_eq!(
        net() - start,
        0,
        "every Arc and Weak is gone: the allocation must be freed (is it leaked?)"
    );

    let start = net();
    drop(Arc::new(String::from("no Weak at all")));
    assert_eq!(
        net() - start,
        0,
        "an Arc that never had a Weak must free everything when it goes"
    );
}
