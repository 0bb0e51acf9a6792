//! Lab 06: processes — spawning, pipes, deadlines, and a process pool with crash isolation.
//!
//! One module per exercise of the chapter *Processes: pipes, deadlines and a pool*
//! (`book/06-processes.md`). Each function's documentation states the contract that the graded
//! tests in `tests/` check. Two programs come with the lab, in `src/bin/`: `worker`, the pool's
//! worker process, and `child`, a small program the tests of Exercises 6.1–6.3 run.

pub mod guard;
pub mod pool;
pub mod protocol;
pub mod run;
pub mod stream;
pub mod task;
pub mod worker;
