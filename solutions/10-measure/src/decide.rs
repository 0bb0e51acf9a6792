pub fn decide(work: &Workload) -> Advice {
    let (recommendation, reason) = if work.needs_isolation {
        (
            Recommendation::Processes,
            "only a process boundary keeps a crash, a leak or another program away from the rest",
        )
    } else if work.tasks <= 1 || total_work(work) < TINY_TOTAL {
        (
            Recommendation::OneThread,
            "there is too little to overlap: handing work to other threads would cost more than it saves",
        )
    } else if work.bound == Bound::Cpu {
        (
            Recommendation::Rayon,
            "CPU-bound work needs cores, and Rust threads compute in parallel: rayon gives one thread per core",
        )
    } else if work.tasks >= MANY_WAITS {
        (
            Recommendation::Async,
            "this many waits at once would take a thread each; async tasks wait for a few hundred bytes each",
        )
    } else {
        (
            Recommendation::ThreadPool,
            "a few waits: threads that block are simple and cheap at this scale",
        )
    };
    Advice {
        recommendation,
        reason: reason.to_owned(),
    }
}

/// `tasks × per_task`, saturating instead of overflowing.
fn total_work(work: &Workload) -> Duration {
    let tasks = u32::try_from(work.tasks).unwrap_or(u32::MAX);
    work.per_task.saturating_mul(tasks)
}
