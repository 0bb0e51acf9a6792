//! Exercise 12.5: `Watchdog::observe`, and a computation that loses one of its processes.
//!
//! The watchdog is tested on made-up instants: no test here sleeps to let time pass. The two
//! process tests kill or freeze one process, and check that the other ends, with an error,
//! within a bound; every process is killed and reaped before the test ends, whatever happens.

mod common;

use std::time::{Duration, Instant};

use common::{program, text};
use lab_cluster::cluster::parse_epochs;
use lab_cluster::launch::{LocalCluster, ScratchDir};
use lab_cluster::text::{Counts, sequential_count};
use lab_cluster::watchdog::{Progress, Stalled, Watchdog};
use lab_support::PATIENCE;
use lab_support::process::assert_all_gone;

const PATIENT: Duration = Duration::from_secs(3);

fn at(start: Instant, secs: f64) -> Instant {
    start + Duration::from_secs_f64(secs)
}

fn progress(fed: u64, complete: u64) -> Progress {
    Progress { fed, complete }
}

#[test]
fn the_watchdog_gives_up_once_progress_has_stood_still_for_its_patience() {
    let start = Instant::now();
    let mut watchdog = Watchdog::new(Some(PATIENT));
    assert_eq!(watchdog.observe(progress(1, 0), start), Ok(()));
    assert_eq!(
        watchdog.observe(progress(1, 0), at(start, 2.9)),
        Ok(()),
        "2.9 s without progress, with a patience of 3 s: not yet"
    );
    assert_eq!(
        watchdog.observe(progress(1, 0), at(start, 3.0)),
        Err(Stalled {
            epoch: 0,
            waited: PATIENT
        }),
        "epoch 0 fed and pending, and no progress for 3 s: give up, saying epoch 0 waited 3 s"
    );
    assert_eq!(
        watchdog.observe(progress(1, 0), at(start, 10.0)),
        Err(Stalled {
            epoch: 0,
            waited: Duration::from_secs(10)
        }),
        "still no progress 10 s after it last changed"
    );
}

#[test]
fn the_watchdog_counts_from_the_last_change_not_from_the_start() {
    let start = Instant::now();
    let mut watchdog = Watchdog::new(Some(PATIENT));
    assert_eq!(watchdog.observe(progress(1, 0), start), Ok(()));
    assert_eq!(
        watchdog.observe(progress(1, 1), at(start, 2.0)),
        Ok(()),
        "epoch 0 completed"
    );
    assert_eq!(
        watchdog.observe(progress(2, 1), at(start, 2.5)),
        Ok(()),
        "epoch 1 fed"
    );
    assert_eq!(
        watchdog.observe(progress(2, 1), at(start, 5.0)),
        Ok(()),
        "progress last changed at 2.5 s (epoch 1 was fed): at 5 s it has stood still for only \
         2.5 s, less than the patience of 3 s (the clock restarts at every change; it does not \
         run from the first call)"
    );
    assert_eq!(
        watchdog.observe(progress(2, 1), at(start, 5.5)),
        Err(Stalled {
            epoch: 1,
            waited: PATIENT
        }),
        "3 s after epoch 1 was fed it is still pending: give up, naming epoch 1"
    );
}

#[test]
fn an_idle_worker_is_not_stuck() {
    let start = Instant::now();
    let mut watchdog = Watchdog::new(Some(PATIENT));
    assert_eq!(watchdog.observe(progress(0, 0), start), Ok(()));
    assert_eq!(
        watchdog.observe(progress(0, 0), at(start, 100.0)),
        Ok(()),
        "nothing fed, nothing pending: a worker waiting for input is idle, not stuck"
    );
    assert_eq!(watchdog.observe(progress(3, 3), at(start, 200.0)), Ok(()));
    assert_eq!(
        watchdog.observe(progress(3, 3), at(start, 900.0)),
        Ok(()),
        "every epoch fed is complete: idle again, however long"
    );
    assert_eq!(
        watchdog.observe(progress(4, 3), at(start, 1000.0)),
        Ok(()),
        "epoch 3 fed after a long idle spell: the clock starts now, not at the start of the \
         idle spell"
    );
    assert_eq!(
        watchdog.observe(progress(4, 3), at(start, 1002.0)),
        Ok(()),
        "2 s after epoch 3 was fed"
    );
    assert!(
        watchdog.observe(progress(4, 3), at(start, 1003.0)).is_err(),
        "3 s after epoch 3 was fed, still pending"
    );
}

#[test]
fn a_watchdog_without_patience_never_gives_up() {
    let start = Instant::now();
    let mut watchdog = Watchdog::new(None);
    assert_eq!(watchdog.observe(progress(1, 0), start), Ok(()));
    assert_eq!(
        watchdog.observe(progress(1, 0), at(start, 1e6)),
        Ok(()),
        "Watchdog::new(None) waits forever"
    );
}

/// Two `wordcount --stream` processes, one worker each, that have both completed epoch 0.
fn two_streams(dir: &ScratchDir, timeout: Duration) -> (LocalCluster, Vec<String>) {
    let timeout = timeout.as_secs_f64().to_string();
    let mut cluster = LocalCluster::start(
        program(),
        2,
        &["--stream", "--timeout", &timeout],
        dir.path(),
        PATIENCE,
    )
    .unwrap_or_else(|failure| panic!("{failure}"));
    let epoch: Vec<String> = text(9, 40, 80).lines().map(str::to_string).collect();
    let (first, second) = epoch.split_at(20);
    for (process, lines) in cluster.processes.iter_mut().zip([first, second]) {
        let mut lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        lines.push(".");
        process
            .send_lines(&lines)
            .unwrap_or_else(|e| panic!("cannot feed {}: {e}", process.name()));
    }
    let mut epoch0 = Counts::new();
    for process in &mut cluster.processes {
        process
            .wait_for_line("@complete 0", PATIENCE)
            .unwrap_or_else(|failure| panic!("epoch 0 should complete on both: {failure}"));
        let epochs = parse_epochs(process.stdout()).unwrap_or_else(|e| panic!("{e}"));
        for (word, n) in epochs.get(&0).cloned().unwrap_or_default() {
            epoch0.insert(word, n);
        }
    }
    assert_eq!(
        epoch0,
        sequential_count(&epoch.join("\n")),
        "epoch 0, fed half to each process: their counts together should be its count"
    );
    (cluster, epoch)
}

fn assert_failed_with_error(cluster: &mut LocalCluster, limit: Duration, what: &str) -> String {
    let survivor = &mut cluster.processes[0];
    let status = survivor.wait_exit(limit).unwrap_or_else(|failure| {
        panic!(
            "{what}, process 0 should end with an error within {limit:?}: a worker that waits \
             on its feed without stepping never notices a lost peer, and a probe loop without \
             a watchdog waits forever for a frozen one. {failure}"
        )
    });
    assert!(
        !status.success(),
        "{what}, process 0 cannot finish its work, so it should fail{}",
        survivor.report()
    );
    let stderr = survivor.stderr();
    assert!(
        stderr.lines().any(|line| line.starts_with("error:")),
        "{what}, process 0 should say why it failed, on lines that start with \"error:\"{}",
        survivor.report()
    );
    stderr
}

#[test]
fn the_survivor_of_a_killed_process_fails_with_an_error() {
    let dir = ScratchDir::new().expect("a scratch directory");
    // A timeout far beyond the wait below: only the broken connection can end process 0 in time.
    let (mut cluster, _) = two_streams(&dir, PATIENCE * 6);
    let pids = cluster.ids();
    cluster.processes[1]
        .kill()
        .expect("kill process 1 and reap it");
    assert_failed_with_error(&mut cluster, PATIENCE, "once process 1 is killed");
    drop(cluster);
    assert_all_gone(&pids, "the test killed and reaped both processes");
}

#[test]
fn the_survivor_of_a_frozen_process_gives_up_after_its_timeout() {
    let dir = ScratchDir::new().expect("a scratch directory");
    let (mut cluster, _) = two_streams(&dir, PATIENT);
    let pids = cluster.ids();
    cluster.processes[1]
        .freeze()
        .expect("stop process 1 with SIGSTOP");
    let epoch1: Vec<String> = text(10, 10, 40).lines().map(str::to_string).collect();
    let mut lines: Vec<&str> = epoch1.iter().map(String::as_str).collect();
    lines.push(".");
    cluster.processes[0]
        .send_lines(&lines)
        .expect("feed epoch 1 to process 0");
    let stderr = assert_failed_with_error(
        &mut cluster,
        PATIENT + PATIENCE,
        "with process 1 frozen and epoch 1 fed to process 0",
    );
    assert!(
        stderr.contains("no progress"),
        "process 0 should give up because epoch 1 made no progress for --timeout 3 \
         (Watchdog's error says \"no progress\"); its stderr:\n{stderr}"
    );
    drop(cluster);
    assert_all_gone(&pids, "the test killed and reaped both processes");
}
