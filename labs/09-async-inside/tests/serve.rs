//! Exercise 9.8: `serve`, with handlers written by the tests, so that each test controls what a
//! connection does and when it ends.

mod common;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::client::within_patience;
use lab_async_inside::accept::serve;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Barrier, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Binds a listener on a free port and runs `serve` on it, with `handler`, as a task.
async fn start<H, F>(handler: H) -> (SocketAddr, CancellationToken, JoinHandle<()>)
where
    H: FnMut(TcpStream, CancellationToken) -> F + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listening socket on a free port");
    let addr = listener.local_addr().expect("its address");
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(serve(listener, shutdown.clone(), handler));
    (addr, shutdown, server)
}

async fn connect(addr: SocketAddr) -> BufReader<TcpStream> {
    let stream = within_patience("connecting", TcpStream::connect(addr))
        .await
        .expect("the server accepts connections");
    BufReader::new(stream)
}

async fn read_line(client: &mut BufReader<TcpStream>, what: &str) -> String {
    let mut line = String::new();
    within_patience(what, client.read_line(&mut line))
        .await
        .unwrap_or_else(|error| panic!("reading {what} failed: {error}"));
    line
}

/// Connects again and again until the server refuses the connection; fails the test if it does
/// not within the patience.
async fn until_refused(addr: SocketAddr, why: &str) {
    within_patience(why, async {
        loop {
            match TcpStream::connect(addr).await {
                Err(error) if error.kind() == io::ErrorKind::ConnectionRefused => return,
                // Still accepted, or caught in the backlog as the socket closed: let the server
                // run, and try again.
                Ok(_) => tokio::task::yield_now().await,
                Err(error) if error.kind() == io::ErrorKind::ConnectionReset => {
                    tokio::task::yield_now().await
                }
                Err(error) => panic!("connecting failed, but not with `refused`: {error}"),
            }
        }
    })
    .await;
}

// ANCHOR: together
#[tokio::test]
async fn every_connection_is_served_at_the_same_time() {
    // Each handler waits until three handlers are running at once: only a server that gives
    // each connection a task of its own gets there.
    let meeting = Arc::new(Barrier::new(3));
    let (addr, _shutdown, _server) = start(move |mut stream: TcpStream, _token| {
        let meeting = Arc::clone(&meeting);
        async move {
            meeting.wait().await;
            let _ = stream.write_all(b"met\n").await;
        }
    })
    .await;

    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(connect(addr).await);
    }
    for client in &mut clients {
        let line = read_line(
            client,
            "the reply of a handler that waits for three handlers to run at once",
        )
        .await;
        assert_eq!(line, "met\n");
    }
}
// ANCHOR_END: together

#[tokio::test]
async fn shutdown_with_nothing_in_flight_returns_and_refuses_connections() {
    let (addr, shutdown, server) = start(|_stream, _token| async {}).await;
    drop(connect(addr).await); // served, and done

    shutdown.cancel();

    within_patience("serve, after shutdown with no connection open", server)
        .await
        .expect("serve panicked");
    let refused = TcpStream::connect(addr).await;
    assert!(
        matches!(&refused, Err(e) if e.kind() == io::ErrorKind::ConnectionRefused),
        "once serve has returned, its listening socket must be closed; connecting gave {refused:?}"
    );
}

// ANCHOR: graceful
#[tokio::test]
async fn shutdown_refuses_new_connections_and_lets_running_handlers_finish() {
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (release, released) = watch::channel(false);
    let (addr, shutdown, mut server) = start({
        let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
        move |mut stream: TcpStream, token: CancellationToken| {
            let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
            let mut released = released.clone();
            async move {
                if token.is_cancelled() {
                    return; // accepted in the very instant of the shutdown: not served
                }
                started.fetch_add(1, Ordering::SeqCst);
                let _ = released.wait_for(|r| *r).await; // a request in flight
                let _ = stream.write_all(b"done\n").await;
                finished.fetch_add(1, Ordering::SeqCst);
            }
        }
    })
    .await;
    let mut client = connect(addr).await;
    within_patience("the handler to start", async {
        while started.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
    })
    .await;

    shutdown.cancel();
    until_refused(
        addr,
        "new connections to be refused after shutdown, while a handler is still running",
    )
    .await;
    assert!(
        !server.is_finished(),
        "serve returned while a handler was still running: it must wait for it"
    );

    release.send_replace(true);
    assert_eq!(
        read_line(&mut client, "the reply of the handler that was running").await,
        "done\n",
        "a handler running at shutdown must be left to finish, not cancelled"
    );
    within_patience("serve, once the last handler finished", &mut server)
        .await
        .expect("serve panicked");
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}
// ANCHOR_END: graceful

#[tokio::test]
async fn handlers_learn_of_the_shutdown_through_their_token() {
    let (addr, shutdown, server) = start(
        |mut stream: TcpStream, token: CancellationToken| async move {
            let _ = stream.write_all(b"hello\n").await;
            token.cancelled().await; // an idle connection, waiting for the shutdown
            let _ = stream.write_all(b"bye\n").await;
        },
    )
    .await;
    let mut client = connect(addr).await;
    assert_eq!(read_line(&mut client, "the greeting").await, "hello\n");

    shutdown.cancel();

    assert_eq!(
        read_line(
            &mut client,
            "the goodbye, which the handler sends when its token is cancelled"
        )
        .await,
        "bye\n",
        "the token a handler gets must be cancelled when `shutdown` is"
    );
    within_patience("serve, once the handler said goodbye", server)
        .await
        .expect("serve panicked");
}
