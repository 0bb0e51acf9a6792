use tokio::sync::broadcast::error::RecvError;

impl Member {
    pub async fn next_line(&mut self) -> Option<String> {
        // One await, on a cancel-safe `recv`: dropping this future loses nothing.
        match self.receiver.recv().await {
            Ok(text) => Some(format!("MSG {text}")),
            Err(RecvError::Lagged(missed)) => Some(format!("LAGGED {missed}")),
            Err(RecvError::Closed) => None,
        }
    }
}
