//! A first timely dataflow: numbers go in at one worker, each is sent to the worker that owns
//! it, and every worker prints what it gets, epoch by epoch.
//!
//! ```console
//! $ cargo run -p lab-cluster --example first_dataflow              # one worker
//! $ cargo run -p lab-cluster --example first_dataflow -- -w 3      # three worker threads
//! ```

// ANCHOR: all
use timely::dataflow::operators::vec::Map;
use timely::dataflow::operators::{Exchange, Input, Inspect, Probe};
use timely::dataflow::{InputHandle, ProbeHandle};

fn main() {
    // Reads -w, -n, -p and -h from the command line, starts the workers, and runs this
    // closure on every one of them. Each builds the same dataflow, and feeds its own input.
    timely::execute_from_args(std::env::args(), |worker| {
        let index = worker.index();
        let mut input = InputHandle::new();
        let probe = ProbeHandle::new();

        // The dataflow: numbers, then their squares, sent to the worker `square % peers`,
        // printed there.
        worker.dataflow::<u64, _, _>(|scope| {
            scope
                .input_from(&mut input)
                .map(|x: u64| x * x)
                .exchange(|square| *square)
                .inspect(move |square| println!("worker {index}: {square}"))
                .probe_with(&probe);
        });

        // Three epochs of input. Only worker 0 has data; every worker advances its input, or
        // the others could never know that an epoch is over.
        for epoch in 0..3 {
            if index == 0 {
                for x in 0..4 {
                    input.send(10 * epoch + x);
                }
            }
            input.advance_to(epoch + 1);
            // Step until no worker can still produce data at a time up to `epoch`: then every
            // square of this epoch has been printed, wherever it went.
            while probe.less_than(input.time()) {
                worker.step();
            }
            println!("worker {index}: epoch {epoch} is complete");
        }
    })
    .expect("timely starts");
}
// ANCHOR_END: all
