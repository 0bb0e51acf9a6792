//! Runs one of the lab's kernels on `n` numbers, `times` times, and prints the sum: a small
//! program to count instructions with callgrind, or to profile with `perf`.
//!
//! ```console
//! $ cargo build --release -p lab-measure --example kernel_once
//! $ target/release/examples/kernel_once sequential 1000000
//! $ valgrind --tool=callgrind --callgrind-out-file=/tmp/callgrind.out \
//!       target/release/examples/kernel_once rayon 1000000
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use lab_measure::kernel;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (name, n, times) = match args.as_slice() {
        [name, n] => (name.as_str(), n.parse().ok(), Some(1)),
        [name, n, times] => (name.as_str(), n.parse().ok(), times.parse().ok()),
        _ => ("", None, None),
    };
    let run: fn(&[u64]) -> u64 = match name {
        "sequential" => kernel::sequential,
        "threads" => kernel::threads,
        "rayon" => kernel::rayon,
        _ => return usage(),
    };
    let (Some(n), Some(times)) = (n, times) else {
        return usage();
    };
    let input = kernel::input(n);
    let mut sum = 0;
    for _ in 0..times {
        sum = run(black_box(&input));
    }
    println!(
        "{name}: the sum of the squares of 0..{n} is {sum} (wrapping), computed {times} times"
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: kernel_once sequential|threads|rayon N [TIMES]");
    ExitCode::FAILURE
}
