use crate::cpu_clock::{run_queue_wait, thread_cpu_time};
use std::time::Instant;

impl Usage {
    pub fn busy_fraction(&self) -> f64 {
        let own = self.wall.saturating_sub(self.waiting_for_cpu).max(self.cpu);
        if own.is_zero() {
            return 0.0;
        }
        self.cpu.as_secs_f64() / own.as_secs_f64()
    }
}

pub fn classify(usage: &Usage) -> Bound {
    if usage.busy_fraction() >= CPU_BOUND_FROM {
        Bound::Cpu
    } else {
        Bound::Waiting
    }
}

pub fn measure<T>(task: impl FnOnce() -> T) -> (T, Usage) {
    let waited_before = run_queue_wait();
    let cpu_before = thread_cpu_time();
    let start = Instant::now();
    let result = task();
    let wall = start.elapsed();
    let cpu = thread_cpu_time().saturating_sub(cpu_before);
    let waiting_for_cpu = match (waited_before, run_queue_wait()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => Duration::ZERO,
    };
    (
        result,
        Usage {
            wall,
            cpu,
            waiting_for_cpu,
        },
    )
}
