//! Exercise 11.3: the reorder buffer. Outcomes arrive in whatever order the stages finish them;
//! lines go out in input order, each as soon as every line before it is out.

use std::io::{self, Write};

use tokio::sync::{Semaphore, mpsc};

use crate::item::Done;

// ANCHOR: write_in_order
/// Receives the outcomes of a run of `total` items from `results`, in any order, and writes one
/// line per item to `out` ([`crate::line::line`] followed by `\n`), in input order: the line of
/// item 0, then item 1, and so on.
///
/// - **As soon as possible.** The line of item `i` is written as soon as the outcomes of items
///   `0..=i` have all arrived (and not before): it holds an outcome back only while an earlier
///   one is missing.
/// - **One window permit back per line.** Right after writing a line it adds one permit to
///   `window` (the permit the fetch stage took for that item, Exercise 11.1), and then calls
///   `on_line` with the item. It gives permits back for lines written, never for outcomes it is
///   only holding: so the fetch stage cannot run further ahead than the window, and the outcomes
///   held here are never more than the window.
/// - **The end.** It returns the number of lines written: `total` once every line is written, or
///   fewer if `results` is closed first (a cancelled run). Then the outcomes it was holding back
///   are dropped, never written: the output is always a complete prefix of the input.
///
/// It does not flush `out`. An error writing to `out` is returned at once.
pub async fn write_in_order<W: Write>(
    results: mpsc::Receiver<Done>,
    total: usize,
    window: &Semaphore,
    out: &mut W,
    on_line: &mut (dyn FnMut(&Done) + Send),
) -> io::Result<usize> {
    todo!(
        "11.3: hold back what arrives early, write every line whose turn has come — see the chapter, Exercise 11.3"
    )
}
// ANCHOR_END: write_in_order
