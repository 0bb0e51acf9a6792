//! Lab 05: data parallelism with rayon.
//!
//! One module per exercise of the chapter *Data parallelism with rayon* (`book/05-rayon.md`).
//! Each function's documentation states the contract that the graded tests in `tests/` check.

pub mod blocks;
pub mod pool;
pub mod sort;
pub mod squares;
pub mod summary;
pub mod words;
