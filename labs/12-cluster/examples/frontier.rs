//! Watching time in a dataflow: every batch of records arrives with its timestamp, and the
//! frontier says which timestamps may still arrive.
//!
//! ```console
//! $ cargo run -p lab-cluster --example frontier
//! $ cargo run -p lab-cluster --example frontier -- -w 2
//! ```

use timely::dataflow::operators::{Exchange, Input, Inspect, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};

fn main() {
    timely::execute_from_args(std::env::args(), |worker| {
        let index = worker.index();
        let mut input = InputHandle::new();
        let probe = ProbeHandle::new();

        // ANCHOR: inspect_core
        worker.dataflow::<u64, _, _>(|scope| {
            scope
                .input_from(&mut input)
                .container::<Vec<String>>()
                .exchange(|word| word.len() as u64)
                .inspect_core(move |event| match event {
                    // A batch of records, and the timestamps it travels under (its *stamp*: a
                    // single time here, so `least()` is that time).
                    Ok((stamp, words)) => {
                        let time = stamp.least().expect("a batch of input has a time");
                        println!("worker {index}: at time {time}: {words:?}");
                    }
                    // The frontier moved: the times that may still come to this operator.
                    Err(frontier) => println!("worker {index}: frontier now {frontier:?}"),
                })
                .probe_with(&probe);
        });
        // ANCHOR_END: inspect_core

        // ANCHOR: feed
        for (epoch, line) in ["the cat", "sat on", "the mat"].iter().enumerate() {
            if index == 0 {
                for word in line.split(' ') {
                    input.send(word.to_string());
                }
            }
            input.advance_to(epoch as u64 + 1);
            // A worker waits here only while its probe shows that time `epoch` may still come.
            while probe.less_equal(&(epoch as u64)) {
                worker.step_or_park(Some(std::time::Duration::from_millis(1)));
            }
        }
        drop(input); // closing the input: the frontier becomes empty once everyone has
        while !probe.done() {
            worker.step();
        }
        // ANCHOR_END: feed
    })
    .expect("timely starts");
}
