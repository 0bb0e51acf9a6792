use crate::watchdog::Progress;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::TryRecvError;
use timely::dataflow::operators::{Input, Inspect, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};

pub fn count_epochs(
    worker: &mut Worker,
    feed: Receiver<Vec<String>>,
    parts: Sender<EpochPart>,
    mut watchdog: Watchdog,
) -> Result<(), Stalled> {
    let index = worker.index();
    let mut input = InputHandle::new();
    let probe = ProbeHandle::new();
    let tallies = Rc::new(RefCell::new(BTreeMap::<u64, Counts>::new()));
    let tally = Rc::clone(&tallies);
    worker.dataflow::<u64, _, _>(|scope| {
        count::count_words(scope.input_from(&mut input))
            .inspect_core(move |event| {
                if let Ok((stamp, pairs)) = event {
                    let epoch = *stamp.least().expect("records travel at a time");
                    let mut tallies = tally.borrow_mut();
                    let counts = tallies.entry(epoch).or_default();
                    for (word, n) in pairs {
                        *counts.entry(word.clone()).or_default() += n;
                    }
                }
            })
            .probe_with(&probe);
    });

    let mut input = Some(input);
    let mut progress = Progress {
        fed: 0,
        complete: 0,
    };
    loop {
        // Take every epoch the feed has ready, without waiting for more.
        while let Some(handle) = input.as_mut() {
            match feed.try_recv() {
                Ok(lines) => {
                    for line in lines {
                        handle.send(line);
                    }
                    progress.fed += 1;
                    handle.advance_to(progress.fed);
                }
                Err(TryRecvError::Empty) => break,
                // Dropping the handle closes the input.
                Err(TryRecvError::Disconnected) => input = None,
            }
        }
        // Send the part of every epoch the frontier has passed, in order.
        while progress.complete < progress.fed && !probe.less_equal(&progress.complete) {
            let counts = tallies
                .borrow_mut()
                .remove(&progress.complete)
                .unwrap_or_default();
            let _ = parts.send(EpochPart {
                epoch: progress.complete,
                worker: index,
                counts,
            });
            progress.complete += 1;
        }
        if input.is_none() && progress.complete == progress.fed {
            return Ok(());
        }
        watchdog.check(progress)?;
        worker.step_or_park(Some(TICK));
    }
}
