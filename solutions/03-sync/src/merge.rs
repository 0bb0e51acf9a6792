pub fn merge_until_idle<T>(
    mut left: Receiver<T>,
    mut right: Receiver<T>,
    idle: Duration,
) -> Merged<T> {
    let mut received = Vec::new();
    let mut open = 2;
    while open > 0 {
        select! {
            recv(left) -> message => match message {
                Ok(message) => received.push(message),
                Err(_) => {
                    // Disconnected: stop selecting on it, or it would be "ready" forever.
                    left = never();
                    open -= 1;
                }
            },
            recv(right) -> message => match message {
                Ok(message) => received.push(message),
                Err(_) => {
                    right = never();
                    open -= 1;
                }
            },
            default(idle) => return Merged::Idle(received),
        }
    }
    Merged::Finished(received)
}
