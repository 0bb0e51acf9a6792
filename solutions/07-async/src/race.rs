use crate::fetch::fetch;

pub async fn race(
    addr: SocketAddr,
    primary: &str,
    backup: &str,
) -> (Replica, Result<String, FetchError>) {
    tokio::select! {
        result = fetch(addr, primary) => (Replica::Primary, result),
        result = fetch(addr, backup) => (Replica::Backup, result),
    }
}
