use crate::http::HttpClient;
use crate::item::Done;
use crate::outcome::work_for;
use crate::pipeline::{Stages, run};
use crate::transform::{Transform, summarise};
use rayon::ThreadPoolBuilder;
use std::fs::File;
use std::io::BufWriter;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub fn main(args: Args) -> ExitCode {
    let cannot_run = |message: String| {
        eprintln!("lab-pipeline: {message}");
        ExitCode::from(exit::CANNOT_RUN)
    };
    let urls = match read_urls(&args.urls) {
        Ok(urls) => urls,
        Err(message) => return cannot_run(message),
    };
    let mut out = match File::create(&args.out) {
        Ok(file) => BufWriter::new(file),
        Err(e) => {
            return cannot_run(format!(
                "cannot create the output file {}: {e}",
                args.out.display()
            ));
        }
    };
    let pool = ThreadPoolBuilder::new()
        .num_threads(args.cpu_workers)
        .thread_name(|i| format!("cpu-{i}"))
        .build();
    let pool = match pool {
        Ok(pool) => Arc::new(pool),
        Err(e) => return cannot_run(format!("cannot start the CPU pool: {e}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return cannot_run(format!("cannot start the async runtime: {e}")),
    };
    let cost = args.cost;
    let transform: Arc<Transform> = Arc::new(move |body: &[u8]| summarise(body, cost));
    let stages = Stages {
        fetcher: Arc::new(HttpClient),
        work: work_for(transform),
        pool,
        config: args.config(),
    };
    let bar = progress_bar(urls.len());
    let mut tick = |_: &Done| bar.inc(1);
    let cancel = CancellationToken::new();
    let report = runtime.block_on(async {
        let interrupted = async {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
            std::future::pending::<()>().await;
        };
        tokio::select! {
            // `biased`: `interrupted` is polled first, so the Ctrl-C handler is in place before
            // `run` sends its first request.
            biased;
            () = interrupted => unreachable!("waits forever once it has cancelled"),
            report = run(urls, stages, &mut out, &mut tick, cancel.clone()) => report,
        }
    });
    bar.finish_and_clear();
    match report {
        Err(e) => cannot_run(format!(
            "cannot write the output file {}: {e}",
            args.out.display()
        )),
        Ok(report) => {
            eprintln!("{report}");
            ExitCode::from(if report.cancelled {
                exit::INTERRUPTED
            } else if report.failures() > 0 {
                exit::ITEMS_FAILED
            } else {
                exit::OK
            })
        }
    }
}
