//! Exercise 7.5: `race`. Both replicas are held at the server until both requests have arrived;
//! then the test lets one answer, and watches what happens to the other.

mod common;

use std::time::Duration;

use common::{start_server, wait_for_stats, wait_for_stats_while, within_patience};
use lab_async::race::{Replica, race};
use lab_async::server::{Server, body_for};

/// Starts `race(primary, backup)` as a task, waits until both requests are in flight, releases
/// `winner`, and returns what `race` returned.
async fn race_with_winner(
    server: &Server,
    primary: &'static str,
    backup: &'static str,
    winner: &str,
) -> (Replica, Result<String, lab_async::http::FetchError>) {
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
    within_patience("race", client)
        .await
        .expect("race panicked")
}

#[tokio::test]
async fn the_backup_wins_when_it_answers_first() {
    let server = start_server(Duration::ZERO).await;

    let outcome = race_with_winner(&server, "/held/primary", "/held/backup", "/held/backup").await;

    assert_eq!(outcome, (Replica::Backup, Ok(body_for("/held/backup"))));
}

#[tokio::test]
async fn the_primary_wins_when_it_answers_first() {
    let server = start_server(Duration::ZERO).await;

    let outcome = race_with_winner(&server, "/held/primary", "/held/backup", "/held/primary").await;

    assert_eq!(outcome, (Replica::Primary, Ok(body_for("/held/primary"))));
}

// ANCHOR: loser
#[tokio::test]
async fn the_losing_request_is_cancelled() {
    let server = start_server(Duration::ZERO).await;

    let (winner, _) =
        race_with_winner(&server, "/held/primary", "/held/backup", "/held/backup").await;
    assert_eq!(winner, Replica::Backup);

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
