//! Exercise 12.3: counting a stream epoch by epoch, and knowing when an epoch is complete.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use timely::communication::WorkerGuards;
use timely::worker::Worker;

use crate::count::{self, catch_panic};
use crate::text::Counts;
use crate::watchdog::{Stalled, Watchdog};

/// How long a worker with nothing to do may park before it looks at its feed again.
pub const TICK: Duration = Duration::from_millis(1);

// ANCHOR: part
/// One worker's counts of one epoch: the words of that epoch that the worker owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochPart {
    /// The epoch: 0 for the first batch of lines fed, 1 for the next, and so on.
    pub epoch: u64,
    /// The worker's index.
    pub worker: usize,
    /// The counts of the words this worker owns, in this epoch only.
    pub counts: Counts,
}
// ANCHOR_END: part

// ANCHOR: count_epochs
/// Runs one worker of a streaming word count, epoch by epoch, until its feed is closed.
///
/// - **Input.** Each message from `feed` is this worker's share of the next epoch: the first
///   message is its lines of epoch 0, the next of epoch 1, and so on (a share may be empty;
///   every worker of the computation gets one message per epoch). The worker sends the lines
///   into the dataflow at that epoch's time and then advances its input past it. When `feed` is
///   disconnected there are no more epochs: the worker closes its input.
/// - **Counting.** Words are counted by their owner, as in [`count::count_words`] (or
///   [`count::count_words_combined`]), separately for each epoch.
/// - **Output.** For every epoch it was fed, in epoch order, the worker sends exactly one
///   [`EpochPart`] on `parts` with its counts of that epoch (possibly empty), and only once the
///   epoch is *complete*: the worker's probe shows that no worker can still deliver a word of that
///   epoch. It does not wait for later epochs, nor for the end of the feed. (If `parts` is
///   disconnected, the parts are dropped.)
/// - **Never blocking.** The worker never waits on `feed` without stepping: while it waits for
///   the next epoch it keeps calling [`Worker::step_or_park`] (with a short timeout such as
///   [`TICK`]), so that data and progress keep moving and a failed peer is noticed.
/// - **Giving up.** After every step it calls [`Watchdog::check`] with its [`Progress`] (epochs
///   fed, epochs whose part it has sent) and returns the error if the watchdog gives up.
///
/// Returns `Ok(())` once the feed is disconnected and the part of every epoch fed has been sent.
pub fn count_epochs(
    worker: &mut Worker,
    feed: Receiver<Vec<String>>,
    parts: Sender<EpochPart>,
    watchdog: Watchdog,
) -> Result<(), Stalled> {
    todo!(
        "12.3: feed the epochs, step, and send each part once the probe has passed its epoch — see the chapter, Exercise 12.3"
    )
}
// ANCHOR_END: count_epochs

/// A complete epoch: the parts of every worker, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochResult {
    /// The epoch.
    pub epoch: u64,
    /// The counts of the epoch, over every worker that sent a part.
    pub counts: Counts,
    /// The parts, one per worker, in the order of the workers' indices.
    pub parts: Vec<EpochPart>,
}

/// Puts the parts of the workers together into complete epochs, and checks that every worker
/// sends one part per epoch, in order.
#[derive(Debug)]
pub struct EpochCollector {
    /// For each expected worker, the epoch of the next part it must send.
    next: BTreeMap<usize, u64>,
    /// Parts received, by epoch, until every worker has sent its part of that epoch.
    waiting: BTreeMap<u64, Vec<EpochPart>>,
}

impl EpochCollector {
    /// A collector for the parts of the workers `workers`.
    pub fn new(workers: impl IntoIterator<Item = usize>) -> EpochCollector {
        EpochCollector {
            next: workers.into_iter().map(|worker| (worker, 0)).collect(),
            waiting: BTreeMap::new(),
        }
    }

    /// Adds `part`, and returns the epochs it completes (none, or one). An error if the part
    /// comes from a worker this collector does not expect, or out of order: a worker must send
    /// the parts of epochs 0, 1, 2, … in order, one each.
    pub fn add(&mut self, part: EpochPart) -> Result<Option<EpochResult>, String> {
        let Some(next) = self.next.get_mut(&part.worker) else {
            return Err(format!(
                "a part of epoch {} came from worker {}, which is not one of the workers {:?}",
                part.epoch,
                part.worker,
                self.next.keys().collect::<Vec<_>>()
            ));
        };
        if part.epoch != *next {
            return Err(format!(
                "worker {} sent a part of epoch {} when its next part should have been of epoch \
                 {}: each worker sends exactly one part per epoch, in epoch order",
                part.worker, part.epoch, next
            ));
        }
        *next += 1;
        let epoch = part.epoch;
        let parts = self.waiting.entry(epoch).or_default();
        parts.push(part);
        if parts.len() < self.next.len() {
            return Ok(None);
        }
        let mut parts = self.waiting.remove(&epoch).unwrap_or_default();
        parts.sort_by_key(|part| part.worker);
        let mut counts = Counts::new();
        for part in &parts {
            crate::text::add_counts(&mut counts, &part.counts);
        }
        Ok(Some(EpochResult {
            epoch,
            counts,
            parts,
        }))
    }

    /// The workers that have not sent their part of `epoch` yet.
    pub fn missing(&self, epoch: u64) -> Vec<usize> {
        self.next
            .iter()
            .filter(|&(_, &next)| next <= epoch)
            .map(|(&worker, _)| worker)
            .collect()
    }
}

/// Deals `lines` out to `workers` workers, like cards: line `i` goes to worker `i % workers`.
pub fn deal(lines: Vec<String>, workers: usize) -> Vec<Vec<String>> {
    let mut shares = vec![Vec::new(); workers];
    for (i, line) in lines.into_iter().enumerate() {
        shares[i % workers].push(line);
    }
    shares
}

/// Feeds the epochs of an [`EpochRun`]: each epoch's lines are dealt out to the workers of this
/// process. Dropping every `Feeder` (and the run's own) closes the feed.
#[derive(Debug, Clone)]
pub struct Feeder {
    feeds: Vec<Sender<Vec<String>>>,
}

impl Feeder {
    /// Feeds one epoch. Returns `false` if the workers are gone.
    pub fn feed(&self, lines: Vec<String>) -> bool {
        let mut delivered = true;
        for (feed, share) in self.feeds.iter().zip(deal(lines, self.feeds.len())) {
            delivered &= feed.send(share).is_ok();
        }
        delivered
    }
}

// ANCHOR: epoch_run
/// A streaming count running on the workers of this process, each in [`count_epochs`]: the
/// driver of Exercise 12.3's tests, and of `wordcount --stream`.
///
/// Dropping a run closes its feed and never waits for the workers.
pub struct EpochRun {
    feeder: Option<Feeder>,
    parts: Receiver<EpochPart>,
    outcomes: Receiver<(usize, Result<(), String>)>,
    collector: EpochCollector,
    ready: VecDeque<EpochResult>,
    finished: BTreeMap<usize, Result<(), String>>,
    workers: BTreeSet<usize>,
    guards: Option<WorkerGuards<()>>,
}

impl EpochRun {
    /// Starts the workers of this process that `config` asks for, each running
    /// [`count_epochs`] with a [`Watchdog`] of `patience`.
    pub fn start(config: timely::Config, patience: Option<Duration>) -> Result<EpochRun, String> {
        let (threads, process) = local_workers(&config);
        let first = process * threads;
        let (feeds, receivers): (Vec<_>, Vec<_>) = (0..threads).map(|_| mpsc::channel()).unzip();
        let receivers = Arc::new(Mutex::new(
            receivers.into_iter().map(Some).collect::<Vec<_>>(),
        ));
        let (parts, parts_received) = mpsc::channel();
        let (outcomes, outcomes_received) = mpsc::channel();
        let parts = Mutex::new(parts);
        let outcomes = Mutex::new(outcomes);
        let guards = timely::execute(config, move |worker| {
            let index = worker.index();
            let feed = lab_lock(&receivers)[index % threads]
                .take()
                .expect("each worker takes its own feed");
            let parts = lab_lock(&parts).clone();
            let outcome =
                match catch_panic(|| count_epochs(worker, feed, parts, Watchdog::new(patience))) {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(stalled)) => Err(format!("gave up: {stalled}")),
                    Err(panic) => Err(format!("panicked: {panic}")),
                };
            let _ = lab_lock(&outcomes).send((index, outcome));
        })?;
        Ok(EpochRun {
            feeder: Some(Feeder { feeds }),
            parts: parts_received,
            outcomes: outcomes_received,
            collector: EpochCollector::new(first..first + threads),
            ready: VecDeque::new(),
            finished: BTreeMap::new(),
            workers: (first..first + threads).collect(),
            guards: Some(guards),
        })
    }

    /// The number of workers in this process.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// A feeder that can feed this run from another thread.
    pub fn feeder(&self) -> Feeder {
        self.feeder.clone().expect("the feed is open")
    }

    /// Feeds one epoch: its lines are dealt out to the workers of this process.
    pub fn feed(&self, lines: Vec<String>) {
        if let Some(feeder) = &self.feeder {
            feeder.feed(lines);
        }
    }

    /// Closes this run's own feeder (the workers' feeds close when every feeder is gone).
    pub fn close(&mut self) {
        self.feeder = None;
    }

    /// The next complete epoch, in order. `Ok(None)` when every worker has finished and every
    /// epoch has been returned. An error if a worker failed (panicked, or gave up), if the parts
    /// break the rules of [`EpochCollector::add`], or if nothing completed within `limit`.
    pub fn next_epoch(&mut self, limit: Option<Duration>) -> Result<Option<EpochResult>, String> {
        let deadline = limit.map(|limit| Instant::now() + limit);
        loop {
            if let Some(result) = self.ready.pop_front() {
                return Ok(Some(result));
            }
            while let Ok((worker, outcome)) = self.outcomes.try_recv() {
                if let Err(error) = &outcome {
                    return Err(format!("worker {worker} {error}"));
                }
                self.finished.insert(worker, outcome);
            }
            match self.parts.recv_timeout(Duration::from_millis(5)) {
                Ok(part) => {
                    if let Some(result) = self.collector.add(part)? {
                        self.ready.push_back(result);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {}
            }
            if self.finished.len() == self.workers.len() {
                // Every worker is done: take the parts they sent before they finished.
                while let Ok(part) = self.parts.try_recv() {
                    if let Some(result) = self.collector.add(part)? {
                        self.ready.push_back(result);
                    }
                }
                if self.ready.is_empty() {
                    return Ok(None);
                }
                continue;
            }
            if let Some(deadline) = deadline
                && Instant::now() >= deadline
            {
                return Err(self.overdue(limit.unwrap_or_default()));
            }
        }
    }

    /// Closes the feed and waits, at most `limit` (`None`: as long as it takes), for every
    /// worker to finish; then returns the epochs that were still to be collected. An error if a
    /// worker failed or did not finish in time.
    pub fn finish(mut self, limit: Option<Duration>) -> Result<Vec<EpochResult>, String> {
        self.close();
        let deadline = limit.map(|limit| Instant::now() + limit);
        let mut rest = Vec::new();
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.next_epoch(left)? {
                Some(result) => rest.push(result),
                None => break,
            }
        }
        if let Some(guards) = self.guards.take() {
            // Every worker has returned from `count_epochs`; timely finishes the dataflow.
            let joined = count::catch_panic(|| guards.join());
            for result in joined? {
                result?;
            }
        }
        Ok(rest)
    }

    fn overdue(&self, limit: Duration) -> String {
        let epoch = self
            .collector
            .next
            .values()
            .copied()
            .min()
            .unwrap_or_default();
        let running: Vec<usize> = self
            .workers
            .iter()
            .copied()
            .filter(|w| !self.finished.contains_key(w))
            .collect();
        format!(
            "no epoch completed within {limit:?}: epoch {epoch} still lacks the parts of \
             workers {:?} (workers still running: {running:?})",
            self.collector.missing(epoch)
        )
    }
}

impl Drop for EpochRun {
    fn drop(&mut self) {
        self.feeder = None;
        if let Some(guards) = self.guards.take() {
            // Joining could wait forever on a worker that hangs: let a thread of its own wait.
            thread::spawn(move || drop(count::catch_panic(|| drop(guards))));
        }
    }
}
// ANCHOR_END: epoch_run

/// The number of worker threads per process in `config`, and this process's index.
pub fn local_workers(config: &timely::Config) -> (usize, usize) {
    use timely::CommunicationConfig as C;
    match &config.communication {
        C::Thread => (1, 0),
        C::Process(threads) | C::ProcessBinary(threads) => (*threads, 0),
        C::Cluster {
            threads, process, ..
        } => (*threads, *process),
    }
}

fn lab_lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
