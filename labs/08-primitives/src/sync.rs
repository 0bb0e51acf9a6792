//! The primitives this lab is built from: the standard library's (and the operating system's) in
//! a normal build, loom's when the `loom` cargo feature is on.
//!
//! Every module of the lab imports its atomics, `UnsafeCell`, `Arc` and threads from here, and
//! waits and wakes through [`wait`], [`wake_one`] and [`wake_all`] below, never through `std`
//! directly. That one switch is what lets the models in `tests/loom_*.rs` run the very code the
//! plain tests run, with loom in charge of every thread switch:
//!
//! ```console
//! $ cargo test -p lab-primitives --release --features loom
//! ```
//!
//! Loom's types only work inside a loom model: with the feature on, calling the lab's code
//! outside one panics. That is why the plain tests and the examples never enable it.
//!
//! This file is given: you do not need to change it.

// ANCHOR: switch
#[cfg(feature = "loom")]
pub use loom::{
    cell::{ConstPtr, MutPtr, UnsafeCell},
    hint,
    sync::{Arc, atomic},
    thread,
};

#[cfg(not(feature = "loom"))]
pub use self::std_cell::{ConstPtr, MutPtr, UnsafeCell};
#[cfg(not(feature = "loom"))]
pub use std::{
    hint,
    sync::{Arc, atomic},
    thread,
};

pub use self::futex::{wait, wake_all, wake_one};
// ANCHOR_END: switch

#[cfg(not(feature = "loom"))]
pub use self::futex::probe;

#[cfg(not(feature = "loom"))]
mod std_cell {
    //! [`std::cell::UnsafeCell`] behind the API of `loom::cell::UnsafeCell`.
    //!
    //! Loom cannot see a raw pointer being dereferenced, so its `UnsafeCell` only hands pointers
    //! out in ways it can track: to a closure (`with`, `with_mut`), where the access lasts as
    //! long as the call, or as a [`ConstPtr`]/[`MutPtr`] (`get`, `get_mut`), where it lasts as
    //! long as that value lives. Here they are plain pointers, so the lab's code reads the same in
    //! both builds.

    /// A cell whose contents may be changed through a shared reference: the caller promises that
    /// no two threads ever access it at once unless both only read.
    #[derive(Debug)]
    pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub const fn new(value: T) -> Self {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        /// Calls `f` with a pointer for reading the value. The pointer must not leave `f`.
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Calls `f` with a pointer for writing the value. The pointer must not leave `f`.
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        /// A pointer for reading the value, for as long as the returned value lives.
        pub fn get(&self) -> ConstPtr<T> {
            ConstPtr(self.0.get())
        }

        /// A pointer for writing the value, for as long as the returned value lives.
        pub fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    /// A `*const T` into an [`UnsafeCell`]; under loom, the cell counts as being read for as
    /// long as this value lives.
    #[derive(Debug)]
    pub struct ConstPtr<T: ?Sized>(*const T);

    impl<T: ?Sized> ConstPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// As for dereferencing a `*const T`: the value must be alive, and nobody may write it
        /// while the reference is in use.
        pub unsafe fn deref(&self) -> &T {
            // SAFETY: the caller's promise.
            unsafe { &*self.0 }
        }

        /// Calls `f` with the raw pointer, which must not leave `f`.
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0)
        }
    }

    /// A `*mut T` into an [`UnsafeCell`]; under loom, the cell counts as being written for as
    /// long as this value lives.
    #[derive(Debug)]
    pub struct MutPtr<T: ?Sized>(*mut T);

    impl<T: ?Sized> MutPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// As for dereferencing a `*mut T`: the value must be alive, and nobody else may read or
        /// write it while the reference is in use.
        #[allow(clippy::mut_from_ref)]
        pub unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller's promise.
            unsafe { &mut *self.0 }
        }

        /// Calls `f` with the raw pointer, which must not leave `f`.
        pub fn with<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0)
        }
    }
}

#[cfg(not(feature = "loom"))]
mod futex {
    //! The operating system's wait and wake, through the `atomic-wait` crate: `futex` on Linux,
    //! `WaitOnAddress` on Windows, and on macOS the functions of libc++ behind C++20's
    //! `std::atomic::wait`.

    use std::sync::atomic::AtomicU32;

    // ANCHOR: wait_wake
    /// If `atomic` holds `expected`, sleeps until another thread calls [`wake_one`] or
    /// [`wake_all`] on the same atomic; if it holds anything else, returns at once.
    ///
    /// The check and the falling asleep are one step as far as wakers are concerned: a thread
    /// that changes the value and then calls `wake_*` either makes `wait` return at once or
    /// wakes it. No wake-up is lost in between.
    ///
    /// `wait` may also return *spuriously*, with nobody having called `wake_*` and the value
    /// unchanged. So always call it in a loop that checks again what you are waiting for.
    ///
    /// `wait` and `wake_*` promise no memory ordering: synchronise through the atomic itself
    /// (an `Acquire` load after waking that reads a value stored with `Release`).
    pub fn wait(atomic: &AtomicU32, expected: u32) {
        probe::waiting(|| atomic_wait::wait(atomic, expected));
    }

    /// Wakes one thread sleeping in [`wait`] on `atomic`, if there is one. A system call,
    /// whether anybody sleeps or not: avoid it when you know that nobody does.
    pub fn wake_one(atomic: &AtomicU32) {
        probe::count_wake();
        atomic_wait::wake_one(atomic);
    }

    /// Wakes every thread sleeping in [`wait`] on `atomic`. A system call, like [`wake_one`].
    pub fn wake_all(atomic: &AtomicU32) {
        probe::count_wake();
        atomic_wait::wake_all(atomic);
    }
    // ANCHOR_END: wait_wake

    /// What the tests observe of [`wait`] and `wake_*` (normal build only). Your code never
    /// calls these.
    pub mod probe {
        use std::cell::Cell;
        use std::collections::HashMap;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex, OnceLock, PoisonError};
        use std::thread::{self, ThreadId};

        thread_local! {
            static WAKE_CALLS: Cell<u64> = const { Cell::new(0) };
            static IN_WAIT: Arc<AtomicBool> = register();
        }

        /// Every thread that has ever called `wait`, with its "inside `wait` now" flag.
        fn registry() -> &'static Mutex<HashMap<ThreadId, Arc<AtomicBool>>> {
            static REGISTRY: OnceLock<Mutex<HashMap<ThreadId, Arc<AtomicBool>>>> = OnceLock::new();
            REGISTRY.get_or_init(Default::default)
        }

        fn register() -> Arc<AtomicBool> {
            let flag = Arc::new(AtomicBool::new(false));
            registry()
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(thread::current().id(), Arc::clone(&flag));
            flag
        }

        pub(super) fn waiting(sleep: impl FnOnce()) {
            IN_WAIT.with(|flag| {
                flag.store(true, Ordering::SeqCst);
                sleep();
                flag.store(false, Ordering::SeqCst);
            });
        }

        pub(super) fn count_wake() {
            WAKE_CALLS.with(|calls| calls.set(calls.get() + 1));
        }

        /// How many times the calling thread has called `wake_one` or `wake_all`.
        pub fn wake_calls() -> u64 {
            WAKE_CALLS.with(Cell::get)
        }

        /// Whether `thread` is inside `wait` now: about to sleep, asleep, or just woken and
        /// about to return.
        pub fn is_waiting(thread: ThreadId) -> bool {
            registry()
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&thread)
                .is_some_and(|flag| flag.load(Ordering::SeqCst))
        }
    }
}

#[cfg(feature = "loom")]
mod futex {
    //! A stand-in for the operating system's wait and wake that loom can see.
    //!
    //! Loom cannot look inside a system call, so under loom `wait` queues the thread in a
    //! table keyed by the atomic's address and parks it with `loom::thread::park`, and `wake_*`
    //! unparks threads from that table. It keeps the two promises the lab's code relies on:
    //!
    //! - **No lost wake-up.** A waiter enters the table *before* it reads the value, and a
    //!   `fence(SeqCst)` in `wait` (between entering and reading) pairs with one in `wake_*`
    //!   (before looking at the table), just as the kernel's lock on its own wait queue does.
    //!   So either the waker finds the waiter in the table, or the waiter's read sees the new
    //!   value and it returns at once. A waiter that returns at once because the value changed
    //!   passes on a `wake_one` that chose it in the meantime, as the kernel would have given it
    //!   to another waiter.
    //! - **Spurious wake-ups are allowed**, so code that is correct with the real futex is
    //!   correct here. (This stand-in does not make any up, so the models do not show what a
    //!   spurious wake-up would do: the doc comments and the chapter ask for loops anyway.)
    //!
    //! Like the real one, it adds some synchronisation of its own: the fences, and the
    //! `unpark` that hands a woken thread the waker's view of memory. Real code must not rely on
    //! either, so the lab's code synchronises through its atomics, which the models check on
    //! every path that does not sleep.
    //!
    //! The table is a thread-local of the OS thread that runs the model: loom runs all of a
    //! model's threads on that one thread, taking turns only at loom operations. Nothing in
    //! `wait` and `wake_*` between two loom operations can be interrupted.

    use std::cell::RefCell;

    use loom::sync::atomic::{AtomicU32, Ordering, fence};
    use loom::thread::{self, Thread};

    struct Sleeper {
        key: usize,
        ticket: u64,
        thread: Thread,
        woken: bool,
    }

    #[derive(Default)]
    struct Table {
        next_ticket: u64,
        sleepers: Vec<Sleeper>,
    }

    thread_local! {
        static TABLE: RefCell<Table> = RefCell::default();
    }

    fn key(atomic: &AtomicU32) -> usize {
        atomic as *const AtomicU32 as usize
    }

    /// Marks up to `n` sleepers on `key` (other than `except`) woken and unparks them.
    fn wake(key: usize, n: usize, except: Option<u64>) {
        let chosen: Vec<Thread> = TABLE.with(|table| {
            table
                .borrow_mut()
                .sleepers
                .iter_mut()
                .filter(|s| s.key == key && !s.woken && Some(s.ticket) != except)
                .take(n)
                .map(|s| {
                    s.woken = true;
                    s.thread.clone()
                })
                .collect()
        });
        for thread in chosen {
            thread.unpark();
        }
    }

    /// Takes the sleeper out of the table; whether it had been woken.
    fn leave(ticket: u64) -> bool {
        TABLE.with(|table| {
            let mut table = table.borrow_mut();
            let index = table
                .sleepers
                .iter()
                .position(|s| s.ticket == ticket)
                .expect("a sleeper leaves the table once");
            table.sleepers.remove(index).woken
        })
    }

    fn is_woken(ticket: u64) -> bool {
        TABLE.with(|table| {
            table
                .borrow()
                .sleepers
                .iter()
                .any(|s| s.ticket == ticket && s.woken)
        })
    }

    /// See the normal build's `wait`: same contract.
    pub fn wait(atomic: &AtomicU32, expected: u32) {
        let key = key(atomic);
        let ticket = TABLE.with(|table| {
            let mut table = table.borrow_mut();
            let ticket = table.next_ticket;
            table.next_ticket += 1;
            table.sleepers.push(Sleeper {
                key,
                ticket,
                thread: thread::current(),
                woken: false,
            });
            ticket
        });
        fence(Ordering::SeqCst);
        if atomic.load(Ordering::Relaxed) != expected {
            if leave(ticket) {
                wake(key, 1, Some(ticket));
            }
            return;
        }
        while !is_woken(ticket) {
            thread::park();
        }
        leave(ticket);
    }

    /// See the normal build's `wake_one`: same contract.
    pub fn wake_one(atomic: &AtomicU32) {
        fence(Ordering::SeqCst);
        wake(key(atomic), 1, None);
    }

    /// See the normal build's `wake_all`: same contract.
    pub fn wake_all(atomic: &AtomicU32) {
        fence(Ordering::SeqCst);
        wake(key(atomic), usize::MAX, None);
    }
}
