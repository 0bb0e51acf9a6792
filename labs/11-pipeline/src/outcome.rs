//! Exercise 11.5: errors stay with their item. The work of the CPU stage turns every way an item
//! can fail, a panic included, into that item's outcome.

use std::sync::Arc;

use crate::http::FetchError;
use crate::item::{Outcome, Work};
use crate::transform::Transform;

// ANCHOR: process
/// The outcome of one item, as the CPU stage's work computes it from the item's `body`.
///
/// - A body that could not be fetched gives `Err(ItemError::Fetch(error))`, without calling
///   `transform`: there is nothing to work on.
/// - Otherwise it is `transform(body)`: `Ok(summary)`, or `Err(ItemError::Transform(error))`.
/// - **A transform that panics fails its item, and only its item.** The panic goes no further:
///   the outcome is `Err(ItemError::Transform(TransformError::Panicked(message)))`, where
///   `message` is the panic's message when its payload is a string (what `panic!` makes, with or
///   without arguments) and empty otherwise, and `process` returns normally to its caller (a
///   panic that escaped a job on a rayon pool would abort the whole program).
///
/// [`ItemError::Fetch`]: crate::item::ItemError::Fetch
pub fn process(body: Result<Vec<u8>, FetchError>, transform: &Transform) -> Outcome {
    todo!(
        "11.5: pass fetch errors through, run the transform, catch its panic — see the chapter, Exercise 11.5"
    )
}
// ANCHOR_END: process

// ANCHOR: work_for
/// The CPU stage's work for `transform`: [`process`] of each body (given).
pub fn work_for(transform: Arc<Transform>) -> Work {
    Arc::new(move |body| process(body, &*transform))
}
// ANCHOR_END: work_for
