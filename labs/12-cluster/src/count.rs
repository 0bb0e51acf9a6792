//! Exercises 12.1 and 12.2: counting words on many workers, with an exchange by key, and with a
//! combiner before it.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;

use timely::dataflow::operators::{Input, Inspect, Probe};
use timely::dataflow::{InputHandle, ProbeHandle, StreamVec};
use timely::logging::{TimelyEvent, TimelyEventBuilder};
use timely::worker::Worker;

use crate::epochs::TICK;
use crate::text::{self, Counts};

// ANCHOR: count_words
/// Builds the word-count dataflow of one worker: splits each split (a piece of text, see
/// [`text::split_text`]) into its [`words`](text::words), and sends each word, as a pair
/// `(word, 1)`, to the worker that owns it: [`text::owner`]`(word, peers)`, which is where a
/// timely exchange routed by [`text::key_hash`]`(word)` delivers it.
///
/// Returns the stream of the pairs as they arrive at their owner: the driver
/// ([`count_on_worker`]) adds them up there. So every occurrence of a word is counted on one
/// worker, its owner, and the counts of the workers add up to the sequential count.
pub fn count_words<'scope>(
    splits: StreamVec<'scope, u64, String>,
) -> StreamVec<'scope, u64, (String, u64)> {
    todo!(
        "12.1: map each split to (word, 1) pairs and exchange them by key — see the chapter, Exercise 12.1"
    )
}
// ANCHOR_END: count_words

// ANCHOR: count_words_combined
/// Like [`count_words`], but with a *combiner* before the exchange: each worker adds up the
/// occurrences of each word within a split before anything is sent, and sends pairs
/// `(word, n)` where `n` is how many times the word occurred. A worker sends **at most one pair
/// per distinct word of each split** it reads (combining over more than one split, or over the
/// whole epoch, is fine too: it sends fewer). The pairs still go to the word's owner, and the
/// counts still add up to the sequential count.
pub fn count_words_combined<'scope>(
    splits: StreamVec<'scope, u64, String>,
) -> StreamVec<'scope, u64, (String, u64)> {
    todo!(
        "12.2: combine the words of each split before the exchange — see the chapter, Exercise 12.2"
    )
}
// ANCHOR_END: count_words_combined

/// Which of the two dataflows a count runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// [`count_words`]: every occurrence crosses the exchange.
    Plain,
    /// [`count_words_combined`]: each split's occurrences are combined first.
    Combined,
}

/// What one worker counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCounts {
    /// The worker's index, from 0 to `peers - 1` over every process of the computation.
    pub worker: usize,
    /// The counts of the words that arrived at this worker.
    pub counts: Counts,
    /// How many records this worker received from *other* workers, as timely's own logging saw
    /// them arrive (0 when the count ran without measuring).
    pub received: u64,
}

// ANCHOR: run_count
/// Counts the words of `splits` on the workers `config` asks for, with `plan`, and returns what
/// each worker of *this process* counted, in the order of their indices. Each worker reads its
/// [`share`](text::share) of the splits.
///
/// Returns an error if timely cannot start (a bad configuration, a port already in use) or if
/// a worker panicked (its message is in the error).
pub fn run_count(
    config: timely::Config,
    splits: Arc<Vec<String>>,
    plan: Plan,
) -> Result<Vec<WorkerCounts>, String> {
    run_count_with(config, splits, plan, true)
}

/// [`run_count`], with or without measuring the records each worker receives (measuring costs
/// a little time: the benchmarks and the figure leave it out).
pub fn run_count_with(
    config: timely::Config,
    splits: Arc<Vec<String>>,
    plan: Plan,
    measure: bool,
) -> Result<Vec<WorkerCounts>, String> {
    let guards = timely::execute(config, move |worker| {
        catch_panic(|| count_on_worker(worker, &splits, plan, measure))
    })?;
    guards
        .join()
        .into_iter()
        .map(|joined| joined.and_then(|counted| counted))
        .collect()
}
// ANCHOR_END: run_count

// ANCHOR: count_on_worker
/// The part of a count that runs on one worker: builds the dataflow of `plan`, feeds the
/// worker's share of `splits`, closes the input, and steps the worker until the probe says the
/// dataflow is done. With `measure`, counts the records that arrive from other workers with
/// timely's logging.
pub fn count_on_worker(
    worker: &mut Worker,
    splits: &[String],
    plan: Plan,
    measure: bool,
) -> WorkerCounts {
    let index = worker.index();
    let peers = worker.peers();
    let received = Rc::new(Cell::new(0_u64));
    if measure {
        count_arrivals(worker, Rc::clone(&received));
    }

    let mut input = InputHandle::new();
    let probe = ProbeHandle::new();
    let counts = Rc::new(RefCell::new(Counts::new()));
    let tally = Rc::clone(&counts);
    worker.dataflow::<u64, _, _>(|scope| {
        let splits = scope.input_from(&mut input);
        let arrived = match plan {
            Plan::Plain => count_words(splits),
            Plan::Combined => count_words_combined(splits),
        };
        arrived
            .inspect(move |(word, n)| *tally.borrow_mut().entry(word.clone()).or_default() += n)
            .probe_with(&probe);
    });

    for split in text::share(splits, index, peers) {
        input.send(split.clone());
    }
    drop(input); // closes the input: no more splits, at any time
    while !probe.done() {
        // Runs what can run; with nothing to do, waits (at most 1 ms) for messages.
        worker.step_or_park(Some(TICK));
    }
    WorkerCounts {
        worker: index,
        counts: counts.take(),
        received: received.get(),
    }
}
// ANCHOR_END: count_on_worker

// ANCHOR: count_arrivals
/// Registers a logger with `worker` that adds to `received` the records of every message that
/// arrives at this worker from another worker. Timely logs each message a worker pulls from a
/// channel (`MessagesEvent`, with `is_send == false`), naming the worker that sent it.
fn count_arrivals(worker: &mut Worker, received: Rc<Cell<u64>>) {
    let me = worker.index();
    let mut register = worker
        .log_register()
        .expect("timely workers log by default");
    register.insert::<TimelyEventBuilder, _>("timely", move |_time, events| {
        for (_, event) in events.iter().flatten() {
            if let TimelyEvent::Messages(message) = event
                && !message.is_send
                && message.target == me
                && message.source != me
            {
                received.set(received.get() + message.record_count.unsigned_abs());
            }
        }
    });
}
// ANCHOR_END: count_arrivals

/// Runs `work`, turning a panic into an error that carries the panic's message.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| panic_message(&*payload))
}

/// The message of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a message that is not text".to_string())
}

/// The counts of all `workers`, added up.
pub fn merge(workers: &[WorkerCounts]) -> Counts {
    let mut total = Counts::new();
    for worker in workers {
        text::add_counts(&mut total, &worker.counts);
    }
    total
}
