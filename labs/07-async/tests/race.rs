//! Exercise 7.5: `race`. Both replicas are held at the server until both requests have arrived;
//! then the test lets one answer, and watches what happens to the other.

mod common;

use std::time::Duration;

use common::{finish, start_server, wait_for_stats, wait_for_stats_while};
use lab_async::http::FetchError;
use lab_async::race::{Replica, race};
use lab_async::server::{Server, body_for};

/// Starts `race(primary, backup)` as a task, waits until both requests are in flight, releases
/// `winner`, and returns what `race` returned.
async fn race_with_winner(
    server: &Server,
    primary: &'static str,
    backup: &'static str,
    winner: &str,
) -> (Replica, Result<String, FetchError>) {
    let addr = server.addr();
    let mut client = tokio::spawn(async move { race(addr, primary, backup).await });
    wait_for_stats_while(
        server,
        &mut client,
        "both replicas' requests in flight at the same time",
        |s| s.in_flight == 2,
    )
    .await;
    server.release(winner);
    finish("race", client).await
}

#[tokio::test]
async fn the_backup_wins_when_it_answers_first() {
    let server = start_server(Duration::ZERO).await;

    let outcome = race_with_winner(&server, "/held/primary", "/held/backup", "/held/backup").await;

    assert_eq!(
        outcome,
        (Replica::Backup, Ok(body_for("/held/backup"))),
        "only the backup was answered, so the backup wins"
    );
}

#[tokio::test]
async fn the_primary_wins_when_it_answers_first() {
    let server = start_server(Duration::ZERO).await;

    let outcome = race_with_winner(&server, "/held/primary", "/held/backup", "/held/primary").await;

    assert_eq!(
        outcome,
        (Replica::Primary, Ok(body_for("/held/primary"))),
        "only the primary was answered, so the primary wins"
    );
}

// ANCHOR: loser
#[tokio::test]
async fn the_losing_request_is_cancelled() {
    let server = start_server(Duration::ZERO).await;

    let (winner, _) =
        race_with_winner(&server, "/held/primary", "/held/backup", "/held/backup").await;
    assert_eq!(winner, Replica::Backup, "only the backup was answered");

    // The primary is never released: only the client hanging up ends its request.
    let stats = wait_for_stats(
        &server,
        "the losing request cancelled by the client (its connection closed)",
        |s| s.cancelled == 1 && s.in_flight == 0,
    )
    .await;
    assert_eq!(stats.served, 1, "only the winner is answered");
}
// ANCHOR_END: loser

#[tokio::test]
async fn an_error_that_comes_first_wins_too() {
    let server = start_server(Duration::ZERO).await;
    let addr = server.addr();

    // The primary gets 404 at once; the backup is held and never released.
    let client = tokio::spawn(async move { race(addr, "/missing/primary", "/held/backup").await });
    let outcome = finish(
        "race between a 404 and a request that is never answered",
        client,
    )
    .await;

    assert_eq!(
        outcome,
        (Replica::Primary, Err(FetchError::Status(404))),
        "race returns whichever request completes first, success or error"
    );
}
