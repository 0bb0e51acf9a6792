//! The Half 2 server, until Ctrl-C (Exercises 9.8–9.11): then a graceful shutdown.
//!
//! Run with `cargo run -p lab-async-inside --example server` (it prints its address; pass a port
//! to choose one: `-- 7878`), and talk to it with `nc 127.0.0.1 PORT` from other terminals:
//! `SET greeting hello`, `GET greeting`, `JOIN`, `SAY hi`.

use std::net::Ipv4Addr;
use std::sync::Arc;

use lab_async_inside::server::run;
use lab_async_inside::state::{Config, Shared};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

// ANCHOR: main
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(Ok(0), |p| p.parse())
        .unwrap_or(0);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    println!("listening on {}; Ctrl-C to stop", listener.local_addr()?);
    let shared = Arc::new(Shared::new(Config::default()));
    let shutdown = CancellationToken::new();

    // Ctrl-C cancels the token; the server then stops accepting, lets every request in
    // flight finish, closes the idle connections, and `run` returns.
    tokio::spawn({
        let shutdown = shutdown.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                println!("\nshutting down: finishing the requests in flight");
            }
            shutdown.cancel();
        }
    });
    run(listener, Arc::clone(&shared), shutdown).await;
    println!(
        "stopped after answering {} requests",
        shared.stats().answered
    );
    Ok(())
}
// ANCHOR_END: main
