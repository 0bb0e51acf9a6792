use std::sync::mpsc;
use std::thread;

pub fn start_job<F>(items: Vec<u64>, work: F) -> BackgroundJob
where
    F: FnMut(u64) -> u64 + Send + 'static,
{
    let (update_sender, updates) = mpsc::channel();
    let (commands, command_receiver) = mpsc::channel();
    let handle = thread::spawn(move || run_job(items, work, update_sender, command_receiver));
    BackgroundJob {
        updates,
        commands,
        handle,
    }
}

/// The worker's loop. It owns `updates`, so the channel closes when this function returns.
fn run_job<F>(items: Vec<u64>, mut work: F, updates: Sender<Update>, commands: Receiver<Command>)
where
    F: FnMut(u64) -> u64,
{
    let total = items.len();
    let mut result = 0;
    for (index, item) in items.into_iter().enumerate() {
        result += work(item);
        let done = index + 1;
        if updates.send(Update::Progress { done, total }).is_err() {
            return; // nobody is listening any more
        }
        match commands.recv() {
            Ok(Command::Continue) => {}
            Ok(Command::Cancel) | Err(_) => {
                // If the foreground is gone this send fails; there is nobody left to tell.
                let _ = updates.send(Update::Cancelled { done });
                return;
            }
        }
    }
    let _ = updates.send(Update::Finished { result });
}
