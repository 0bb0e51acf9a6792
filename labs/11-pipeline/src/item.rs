//! What travels through the pipeline (given, not an exercise): an item as the fetch stage hands
//! it over, as the CPU stage hands it on, its outcome, and the work the CPU stage does on it.
//!
//! Every item carries its `index`, its place in the input. The stages may finish items in any
//! order; the index is how the writer puts them back in order (Exercise 11.3).

use std::fmt;
use std::sync::Arc;

use crate::http::FetchError;
use crate::transform::{Summary, TransformError};

/// An item the fetch stage has fetched (or failed to fetch), on its way to the CPU stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Its place in the input, from 0.
    pub index: usize,
    pub url: String,
    /// The body, or why there is none (after every attempt).
    pub body: Result<Vec<u8>, FetchError>,
}

/// An item the CPU stage is done with, on its way to the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// Its place in the input, from 0.
    pub index: usize,
    pub url: String,
    pub outcome: Outcome,
}

/// How an item ended: its summary, or the error that stayed with it.
pub type Outcome = Result<Summary, ItemError>;

/// Why an item has no summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemError {
    /// Fetching it failed (after every attempt the policy allows).
    Fetch(FetchError),
    /// Its body was fetched, but the transform failed (or panicked).
    Transform(TransformError),
}

impl ItemError {
    /// A one-word name for the kind of error, as the output line shows it: `timeout`, `status`,
    /// `io`, `malformed`, `url` or `transform`.
    pub fn kind(&self) -> &'static str {
        match self {
            ItemError::Fetch(FetchError::TimedOut) => "timeout",
            ItemError::Fetch(FetchError::Status(_)) => "status",
            ItemError::Fetch(FetchError::Io(_)) => "io",
            ItemError::Fetch(FetchError::Malformed) => "malformed",
            ItemError::Fetch(FetchError::BadUrl) => "url",
            ItemError::Transform(_) => "transform",
        }
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::Fetch(error) => error.fmt(f),
            ItemError::Transform(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ItemError {}

// ANCHOR: work
/// What the CPU stage does with each item's body (or its fetch error): it returns the item's
/// outcome. It runs on the CPU pool's threads, never on the async runtime's.
///
/// A program builds it from a transform with [`crate::outcome::work_for`]; tests put their own in
/// its place (one that waits at a gate the test opens, one that records its thread).
pub type Work = Arc<dyn Fn(Result<Vec<u8>, FetchError>) -> Outcome + Send + Sync>;
// ANCHOR_END: work
