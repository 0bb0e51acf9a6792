//! Exercise 10.5: `kernel_group`, checked by running it under criterion with a measurement that
//! counts elements instead of timing (see `common::ElementsOf`), so that nothing here depends on
//! how fast or busy the machine is.

mod common;

use std::collections::BTreeSet;

use common::run_kernel_group;
use lab_measure::bench_group::GROUP;
use lab_measure::kernel::{self, Kernel};

/// Two small sizes: the test runs each benchmark a dozen times, so it stays fast.
const SIZES: [usize; 2] = [100, 300];
const FUNCTIONS: [&str; 3] = ["sequential", "threads", "rayon"];

fn expected_ids() -> BTreeSet<String> {
    SIZES
        .iter()
        .flat_map(|n| FUNCTIONS.iter().map(move |f| format!("{GROUP}/{f}/{n}")))
        .collect()
}

#[test]
fn kernel_group_registers_three_benchmarks_per_size() {
    let recorded = run_kernel_group(&SIZES, None, ".*");
    let ids: BTreeSet<String> = recorded.keys().cloned().collect();
    assert_eq!(
        ids,
        expected_ids(),
        "kernel_group(c, &{SIZES:?}) must register exactly the benchmarks \
         kernel/<sequential|threads|rayon>/<n>, one per kernel and size (a benchmark missing \
         here was not registered, or its routine never called a kernel)"
    );
    for benchmark in recorded.values() {
        assert_eq!(
            benchmark.group, GROUP,
            "{}: the group must be named {GROUP:?}",
            benchmark.full_id
        );
        assert!(
            benchmark.function.is_some() && benchmark.parameter.is_some(),
            "{}: the ID must have a function name and a parameter, as BenchmarkId::new gives",
            benchmark.full_id
        );
    }
}

#[test]
fn every_benchmark_has_its_size_as_throughput_in_elements() {
    let recorded = run_kernel_group(&SIZES, None, ".*");
    assert!(
        !recorded.is_empty(),
        "kernel_group registered no benchmark that called a kernel"
    );
    for benchmark in recorded.values() {
        let n: u64 = benchmark
            .parameter
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{}: the parameter must be the size of the input",
                    benchmark.full_id
                )
            });
        assert_eq!(
            benchmark.throughput,
            Some(serde_json::json!({ "Elements": n })),
            "{}: criterion recorded throughput {:?}; every benchmark must have \
             Throughput::Elements(n) for its own size n (set it on the group before registering \
             the benchmarks of each size)",
            benchmark.full_id,
            benchmark.throughput
        );
    }
}

#[test]
fn each_iteration_calls_its_own_kernel_once_on_the_whole_input() {
    for (kernel, function) in [
        (Kernel::Sequential, "sequential"),
        (Kernel::Threads, "threads"),
        (Kernel::Rayon, "rayon"),
    ] {
        // Run only this kernel's benchmarks, counting only the numbers this kernel is given.
        let recorded = run_kernel_group(&SIZES, Some(kernel), &format!("^{GROUP}/{function}/"));
        for n in SIZES {
            let id = format!("{GROUP}/{function}/{n}");
            let benchmark = recorded.get(&id).unwrap_or_else(|| {
                panic!(
                    "{id}: its routine never called kernel::{function} (or there is no such \
                     benchmark)"
                )
            });
            assert_eq!(
                benchmark.per_iteration, n as f64,
                "{id}: each iteration must call kernel::{function} once, on all {n} numbers of \
                 the input; criterion measured {} numbers per iteration",
                benchmark.per_iteration
            );
        }
    }
    // And no benchmark calls a second kernel besides its own.
    let recorded = run_kernel_group(&SIZES, None, ".*");
    for benchmark in recorded.values() {
        let n: f64 = benchmark
            .parameter
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(f64::NAN);
        assert_eq!(
            benchmark.per_iteration, n,
            "{}: each iteration must call one kernel once on the whole input, so all kernels \
             together must be given {n} numbers per iteration, not {}",
            benchmark.full_id, benchmark.per_iteration
        );
    }
}

#[test]
fn inputs_are_made_outside_the_measured_routine() {
    let before = kernel::inputs_made();
    let recorded = run_kernel_group(&SIZES, None, ".*");
    let made = kernel::inputs_made() - before;
    assert!(
        !recorded.is_empty(),
        "kernel_group registered no benchmark that called a kernel"
    );
    assert!(
        (1..=(FUNCTIONS.len() * SIZES.len()) as u64).contains(&made),
        "kernel_group made {made} inputs for {} benchmarks: make each input with \
         kernel::input before registering its benchmarks, not in the closure criterion calls \
         for every sample nor in the measured routine",
        FUNCTIONS.len() * SIZES.len()
    );
}
