use crate::cpu::cpu_stage;
use crate::fetch::fetch_stage;
use crate::line::cancelled_marker;
use crate::reorder::write_in_order;
use tokio::sync::{Semaphore, mpsc};

pub async fn run<F: Fetch, W: Write>(
    urls: Vec<String>,
    stages: Stages<F>,
    out: &mut W,
    on_line: &mut (dyn FnMut(&Done) + Send),
    cancel: CancellationToken,
) -> io::Result<Report> {
    let Stages {
        fetcher,
        work,
        pool,
        config,
    } = stages;
    let total = urls.len();
    // The stages stop when the caller cancels, or when writing fails: a child token.
    let stop = cancel.child_token();
    let window = Arc::new(Semaphore::new(config.window));
    let (to_cpu, from_fetch) = mpsc::channel(config.hand_over);
    // Never more than `window` outcomes on their way to the writer: it never fills up.
    let (to_writer, results) = mpsc::channel(config.window);
    let fetching = tokio::spawn(fetch_stage(
        fetcher,
        urls,
        config,
        Arc::clone(&window),
        to_cpu,
        stop.clone(),
    ));
    let computing = tokio::spawn(cpu_stage(from_fetch, pool, work, to_writer, stop.clone()));

    let mut report = Report::new(total);
    let mut record = |done: &Done| {
        report.record(done);
        on_line(done);
    };
    let written = write_in_order(results, total, &window, out, &mut record).await;
    if written.is_err() {
        stop.cancel();
    }
    // Wait for both stages: once they are done, no fetch and no work is left running.
    for stage in [fetching, computing] {
        if let Err(error) = stage.await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
    }
    let written = written?;
    report.cancelled = written < total;
    if report.cancelled {
        writeln!(out, "{}", cancelled_marker(written, total))?;
    }
    out.flush()?;
    Ok(report)
}
