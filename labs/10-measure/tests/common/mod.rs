//! Helpers shared by this lab's graded tests. This folder is not a test target of its own.

// Each test target uses only some of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};
use lab_measure::cpu_clock::thread_cpu_time;
use lab_measure::criterion_files::{SavedEstimates, SavedSample, fences_from_json};
use lab_measure::kernel::{self, Kernel};
use lab_measure::summary::Outliers;
use lab_support::{Rendezvous, within_patience};

/// Asserts that `actual` is within a relative `tolerance` of `expected` (or within `tolerance`
/// of it, for an `expected` near zero), saying what the number was.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    let scale = expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance * scale,
        "{what}: expected {expected}, got {actual}"
    );
}

/// Whether `f` panics. Its panic message, if any, still shows in the test's output.
pub fn panics<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> bool {
    std::panic::catch_unwind(f).is_err()
}

// ANCHOR: counting
/// A criterion measurement that counts instead of timing: the numbers the lab's kernels were
/// given on the measuring thread, read from [`kernel::tally`]. `ElementsOf(Some(k))` counts only
/// kernel `k`, `ElementsOf(None)` all three. A benchmark that runs its kernel once per iteration
/// on `n` numbers measures exactly `n` per iteration, on every run, however busy the machine is.
pub struct ElementsOf(pub Option<Kernel>);

impl ElementsOf {
    fn so_far(&self) -> u64 {
        let kernels = match self.0 {
            Some(kernel) => vec![kernel],
            None => vec![Kernel::Sequential, Kernel::Threads, Kernel::Rayon],
        };
        kernels.into_iter().map(|k| kernel::tally(k).elements).sum()
    }
}

impl Measurement for ElementsOf {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        self.so_far()
    }

    fn end(&self, start: u64) -> u64 {
        self.so_far() - start
    }

    fn add(&self, v1: &u64, v2: &u64) -> u64 {
        v1 + v2
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &ElementsFormatter
    }
}

/// Prints counts of elements as they are.
struct ElementsFormatter;

impl ValueFormatter for ElementsFormatter {
    fn scale_values(&self, _typical: f64, _values: &mut [f64]) -> &'static str {
        "elements"
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        // Throughput per element counted: 1.0 when a benchmark processes as many elements as
        // its throughput says.
        let per_iteration = match throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => *n,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n,
            Throughput::Bits(n) => *n,
        } as f64;
        for value in values {
            *value = per_iteration / *value;
        }
        "per element counted"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "elements"
    }
}
// ANCHOR_END: counting

/// A benchmark as criterion recorded it after a run of [`run_kernel_group`].
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// `group/function/parameter`.
    pub full_id: String,
    pub group: String,
    pub function: Option<String>,
    pub parameter: Option<String>,
    /// The throughput criterion recorded, as criterion writes it (`{"Elements": 1000}`), or
    /// `None` if the benchmark had none.
    pub throughput: Option<serde_json::Value>,
    /// What the measurement counted per iteration (criterion's mean).
    pub per_iteration: f64,
}

// ANCHOR: run
/// Runs `kernel_group(c, sizes)` with a criterion configured to be tiny and deterministic: it
/// measures with [`ElementsOf`]`(counting)`, warms up for a nanosecond and measures for a
/// nanosecond (so criterion runs each benchmark only a few times: once to warm up and once per
/// sample), takes 10 samples, draws no plots and keeps its files in a temporary folder of its
/// own, which is deleted afterwards. `filter` is a regular expression: criterion runs only the
/// benchmarks whose `group/function/parameter` ID matches it.
///
/// Returns every benchmark criterion ran and analysed, by full ID. A benchmark whose routine
/// counted nothing (it never called the kernel being counted) is not analysed, so not returned.
pub fn run_kernel_group(
    sizes: &[usize],
    counting: Option<Kernel>,
    filter: &str,
) -> BTreeMap<String, Recorded> {
    let folder = TempFolder::new();
    let mut c = Criterion::default()
        .with_measurement(ElementsOf(counting))
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1))
        .sample_size(10)
        .nresamples(2_000)
        .without_plots()
        .with_output_color(false)
        .with_filter(filter)
        // Hidden in criterion's documentation ("for testing only"): where its files go.
        .output_directory(folder.path());
    lab_measure::bench_group::kernel_group(&mut c, sizes);
    drop(c);
    recorded_in(folder.path())
}
// ANCHOR_END: run

/// Reads every `new/benchmark.json` and `new/estimates.json` under `dir`.
fn recorded_in(dir: &Path) -> BTreeMap<String, Recorded> {
    let mut found = BTreeMap::new();
    for benchmark_file in files_named(dir, "benchmark.json") {
        let new_dir = benchmark_file.parent().expect("a file has a folder");
        if new_dir.file_name().is_none_or(|name| name != "new") {
            continue;
        }
        let id: serde_json::Value = read_json(&benchmark_file);
        let estimates: serde_json::Value = read_json(&new_dir.join("estimates.json"));
        let text = |key: &str| id[key].as_str().map(str::to_owned);
        let recorded = Recorded {
            full_id: text("full_id").expect("criterion records a full_id"),
            group: text("group_id").expect("criterion records a group_id"),
            function: text("function_id"),
            parameter: text("value_str"),
            throughput: (!id["throughput"].is_null()).then(|| id["throughput"].clone()),
            per_iteration: estimates["mean"]["point_estimate"]
                .as_f64()
                .expect("criterion records a mean"),
        };
        found.insert(recorded.full_id.clone(), recorded);
    }
    found
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named(&path, name));
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
    found
}

/// A fresh folder under the system's temporary folder, deleted on drop.
pub struct TempFolder(PathBuf);

impl TempFolder {
    pub fn new() -> TempFolder {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "lab-measure-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempFolder(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ANCHOR: competitors
/// Threads that compute without pause until they are stopped: load made on purpose, so that a
/// test sees a busy core whatever else the machine is doing.
pub struct Competitors {
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Competitors {
    /// Starts `count` threads that spin, each pinned to core `cpu` if one is given, and returns
    /// once every one of them is running.
    pub fn start(count: usize, cpu: Option<usize>) -> Competitors {
        let stop = Arc::new(AtomicBool::new(false));
        let running = Arc::new(Rendezvous::new(count + 1));
        let threads = (0..count)
            .map(|_| {
                let stop = Arc::clone(&stop);
                let running = Arc::clone(&running);
                thread::spawn(move || {
                    if let Some(cpu) = cpu {
                        pin_to(cpu);
                    }
                    running.meet("competing threads and the test");
                    while !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        running.meet("competing threads and the test");
        Competitors { stop, threads }
    }

    /// Stops the threads and waits for them.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            within_patience("a competing thread to stop", move || thread.join())
                .expect("a competing thread panicked");
        }
    }

    /// Runs `task` on a thread pinned to one core, while `count` competitors pinned to the same
    /// core compute beside it, and returns what `task` returned.
    pub fn on_one_core<T: Send + 'static>(
        count: usize,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let measured = thread::spawn(move || {
            let cpu = current_cpu();
            pin_to(cpu);
            let competitors = Competitors::start(count, Some(cpu));
            let result = task();
            competitors.stop();
            result
        });
        measured
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Computes until the calling thread has used `cpu` of CPU time (however long that takes in
/// wall time on a busy core).
pub fn spin_for_cpu(cpu: Duration) {
    let start = thread_cpu_time();
    let mut state = 1_u64;
    while thread_cpu_time() - start < cpu {
        for _ in 0..1_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
        }
        std::hint::black_box(state);
    }
}

/// The core the calling thread is running on now.
fn current_cpu() -> usize {
    // SAFETY: sched_getcpu has no arguments and no preconditions.
    let cpu = unsafe { libc::sched_getcpu() };
    usize::try_from(cpu).expect("sched_getcpu failed")
}

/// Lets the calling thread run on core `cpu` only.
fn pin_to(cpu: usize) {
    // SAFETY: `set` is a plain bit set that CPU_ZERO and CPU_SET initialise and fill; the kernel
    // reads `size_of::<cpu_set_t>()` bytes of it; pid 0 means the calling thread.
    let result = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    assert_eq!(
        result,
        0,
        "cannot pin a thread to core {cpu}: {}",
        std::io::Error::last_os_error()
    );
}
// ANCHOR_END: competitors

/// A sample set criterion measured and saved on the lab's machine (`tests/fixtures/README.md`
/// says how), with what criterion computed and printed for it.
pub struct SampleSetFixture {
    pub name: &'static str,
    pub sample: SavedSample,
    pub estimates: SavedEstimates,
    /// `tukey.json`: low severe, low mild, high mild, high severe.
    pub fences: [f64; 4],
    /// The outliers criterion printed when it measured the set.
    pub outliers: Outliers,
}

macro_rules! fixture {
    ($name:literal, $outliers:expr) => {
        (
            $name,
            include_str!(concat!("../fixtures/", $name, "/sample.json")),
            include_str!(concat!("../fixtures/", $name, "/estimates.json")),
            include_str!(concat!("../fixtures/", $name, "/tukey.json")),
            $outliers,
        )
    };
}

/// Every saved sample set.
pub fn sample_set_fixtures() -> Vec<SampleSetFixture> {
    FIXTURES
        .iter()
        .map(
            |&(name, sample, estimates, fences, outliers)| SampleSetFixture {
                name,
                sample: SavedSample::from_json(sample).expect("a valid sample.json"),
                estimates: SavedEstimates::from_json(estimates).expect("a valid estimates.json"),
                fences: fences_from_json(fences).expect("a valid tukey.json"),
                outliers,
            },
        )
        .collect()
}

/// The saved sample set called `name`.
pub fn sample_set_fixture(name: &str) -> SampleSetFixture {
    sample_set_fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

type RawFixture = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Outliers,
);

const fn outliers(
    low_severe: usize,
    low_mild: usize,
    high_mild: usize,
    high_severe: usize,
) -> Outliers {
    Outliers {
        low_severe,
        low_mild,
        high_mild,
        high_severe,
    }
}

/// The saved sample sets, with the outliers criterion printed for each (tests/fixtures/README.md).
const FIXTURES: [RawFixture; 5] = [
    fixture!("sequential_100000", outliers(0, 0, 1, 0)),
    fixture!("threads_1000", outliers(0, 0, 4, 1)),
    fixture!("rayon_1000", outliers(0, 0, 2, 16)),
    fixture!("rayon_100000_run1", outliers(0, 0, 3, 4)),
    fixture!("rayon_100000_run2", outliers(0, 0, 3, 12)),
];

/// A speedup curve measured on the lab's machine: median times by number of threads.
pub struct Curve {
    pub name: String,
    /// `(threads, median time in ns)`, in the order of the file.
    pub points: Vec<(usize, f64)>,
}

/// The curves of `tests/fixtures/speedup.csv`.
pub fn speedup_curves() -> Vec<Curve> {
    let mut curves: Vec<Curve> = Vec::new();
    for line in include_str!("../fixtures/speedup.csv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [name, threads, median] = fields[..] else {
            panic!("speedup.csv: a line of three fields expected: {line}");
        };
        let point = (
            threads.parse().expect("a number of threads"),
            median.parse().expect("a median time"),
        );
        match curves.iter_mut().find(|c| c.name == name) {
            Some(curve) => curve.points.push(point),
            None => curves.push(Curve {
                name: name.to_owned(),
                points: vec![point],
            }),
        }
    }
    curves
}
