pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        UNKNOWN_PANIC.to_owned()
    }
}

pub fn join_all<R>(handles: Vec<JoinHandle<R>>) -> Vec<Result<R, WorkerFailed>> {
    handles
        .into_iter()
        .enumerate()
        .map(|(worker, handle)| {
            handle.join().map_err(|payload| WorkerFailed {
                worker,
                message: panic_message(&*payload),
            })
        })
        .collect()
}
