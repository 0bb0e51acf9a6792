//! The I/O table in a few seconds: 100 requests to the lab's server at 50 ms latency, fetched
//! five ways, each timed once. `cargo run --release -p lab-async --example io_table`.
//! (`cargo bench -p lab-async --bench io_table` measures the same more carefully.)
//!
//! The async rows use your `fetch_all` and `fetch_bounded` (Exercises 7.2 and 7.3); until they
//! are written, those rows say so.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lab_async::bounded::fetch_bounded;
use lab_async::concurrent::fetch_all;
use lab_async::http::FetchError;
use lab_async::server::Server;
use lab_async::threaded::{
    fetch_sequential_blocking, fetch_thread_per_request, fetch_with_thread_pool,
};
use tokio::runtime::Builder;

const REQUESTS: usize = 100;
const LATENCY: Duration = Duration::from_millis(50);

type Results = Vec<Result<String, FetchError>>;

fn main() {
    let server_runtime = Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime for the server");
    let server = server_runtime
        .block_on(Server::start(LATENCY))
        .expect("the lab's server starts");
    let client = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the async clients");
    let addr = server.addr();
    let owned: Vec<String> = (0..REQUESTS).map(|i| format!("/file/{i}")).collect();
    let paths: Vec<&str> = owned.iter().map(String::as_str).collect();

    println!("{REQUESTS} requests, {LATENCY:?} each:");
    let rows: [(&str, &dyn Fn() -> Results); 5] = [
        ("sequential (blocking)", &|| {
            fetch_sequential_blocking(addr, &paths)
        }),
        ("a thread per request", &|| {
            fetch_thread_per_request(addr, &paths)
        }),
        ("a pool of 8 threads", &|| {
            fetch_with_thread_pool(addr, &paths, 8)
        }),
        ("async, unbounded", &|| {
            client.block_on(fetch_all(addr, &paths))
        }),
        ("async, at most 10", &|| {
            client.block_on(fetch_bounded(addr, &paths, 10))
        }),
    ];
    // Silence the panic message of a `todo!()` still in place; the row says it instead.
    panic::set_hook(Box::new(|_| {}));
    for (name, run) in rows {
        let start = Instant::now();
        match panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(results) => {
                let failed = results.iter().filter(|r| r.is_err()).count();
                println!(
                    "  {name:<24} {:>8.3} s   ({failed} failed)",
                    start.elapsed().as_secs_f64()
                );
            }
            Err(_) => println!("  {name:<24}   not written yet (a todo!() panicked)"),
        }
    }
}
