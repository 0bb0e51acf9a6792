use crate::kernel;
use criterion::{BenchmarkId, Throughput};
use std::hint::black_box;

pub fn kernel_group<M: Measurement>(c: &mut Criterion<M>, sizes: &[usize]) {
    let mut group = c.benchmark_group(GROUP);
    for &n in sizes {
        let input = kernel::input(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("sequential", n), &input, |b, input| {
            b.iter(|| kernel::sequential(black_box(input)))
        });
        group.bench_with_input(BenchmarkId::new("threads", n), &input, |b, input| {
            b.iter(|| kernel::threads(black_box(input)))
        });
        group.bench_with_input(BenchmarkId::new("rayon", n), &input, |b, input| {
            b.iter(|| kernel::rayon(black_box(input)))
        });
    }
    group.finish();
}
