//! Exercise 10.5: write a criterion benchmark group, in `src/`, so that the lab's benchmark
//! (`benches/measure.rs`) and the tests run the same code.

use criterion::Criterion;
use criterion::measurement::Measurement;

// ANCHOR: kernel_group
/// The name of the benchmark group that [`kernel_group`] registers.
pub const GROUP: &str = "kernel";

/// Registers the benchmark group [`GROUP`] on `c`: the three kernels of [`crate::kernel`] on
/// inputs of each size in `sizes`.
///
/// For each `n` in `sizes`, in order:
///
/// - make the input once, with [`crate::kernel::input`]`(n)`, before registering its benchmarks
///   (never inside the measured routine: making it is not what is measured);
/// - set the group's throughput to `Throughput::Elements(n)`;
/// - register three benchmarks with the IDs `BenchmarkId::new("sequential", n)`,
///   `BenchmarkId::new("threads", n)` and `BenchmarkId::new("rayon", n)`. Each iteration of each
///   calls its kernel ([`crate::kernel::sequential`], [`crate::kernel::threads`],
///   [`crate::kernel::rayon`]) once, on the whole input passed through [`std::hint::black_box`].
///
/// Set nothing else on the group: the warm-up time, measurement time and sample size are `c`'s
/// (the tests make them tiny; `cargo bench` takes criterion's defaults or the command line's).
pub fn kernel_group<M: Measurement>(c: &mut Criterion<M>, sizes: &[usize]) {
    todo!(
        "10.5: a group, and per size a throughput and three benchmarks — see the chapter, Exercise 10.5"
    )
}
// ANCHOR_END: kernel_group
