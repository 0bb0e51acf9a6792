//! The machine's CPU time counters (Linux: `/proc/stat`), to tell how busy its cores are.

/// Aggregate CPU time counters (clock ticks) since boot: all of it, the idle part, and the part
/// spent running niced (lower-priority) processes.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    pub total: u64,
    pub idle: u64,
    pub nice: u64,
}

impl CpuTimes {
    /// The idle share of the time between `self` and a later reading (0 when none passed).
    pub fn idle_share_until(&self, later: &CpuTimes) -> f64 {
        let total = later.total.saturating_sub(self.total);
        let idle = later.idle.saturating_sub(self.idle);
        if total == 0 {
            0.0
        } else {
            idle as f64 / total as f64
        }
    }

    /// The share of the time between `self` and a later reading that a normal-priority process
    /// could have had: idle, or spent on niced processes, which yield to it.
    pub fn spare_share_until(&self, later: &CpuTimes) -> f64 {
        let total = later.total.saturating_sub(self.total);
        let spare = (later.idle + later.nice).saturating_sub(self.idle + self.nice);
        if total == 0 {
            0.0
        } else {
            spare as f64 / total as f64
        }
    }
}

/// The counters from the first line of `/proc/stat` (idle includes iowait); `None` where there
/// is no such file.
pub fn read() -> Option<CpuTimes> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    parse(text.lines().next()?)
}

fn parse(line: &str) -> Option<CpuTimes> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let values: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
    if values.len() < 4 {
        return None;
    }
    // user nice system idle iowait irq softirq steal [guest guest_nice: already in user, nice]
    let total = values.iter().take(8).sum();
    let idle = values[3] + values.get(4).copied().unwrap_or(0);
    Some(CpuTimes {
        total,
        idle,
        nice: values[1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cpu_line_of_proc_stat() {
        let times = parse("cpu  100 5 50 1000 20 1 2 3 7 0").expect("a cpu line");
        assert_eq!(times.total, 100 + 5 + 50 + 1000 + 20 + 1 + 2 + 3);
        assert_eq!(times.idle, 1000 + 20);
        assert!(parse("cpu0 1 2 3 4").is_none(), "only the machine's line");
        assert!(parse("intr 1 2 3 4").is_none());
        assert_eq!(times.nice, 5);
        let later = CpuTimes {
            total: times.total + 100,
            idle: times.idle + 25,
            nice: times.nice + 50,
        };
        assert_eq!(times.idle_share_until(&later), 0.25);
        assert_eq!(times.spare_share_until(&later), 0.75);
    }
}
