use crate::line::line;
use std::collections::BTreeMap;

pub async fn write_in_order<W: Write>(
    mut results: mpsc::Receiver<Done>,
    total: usize,
    window: &Semaphore,
    out: &mut W,
    on_line: &mut (dyn FnMut(&Done) + Send),
) -> io::Result<usize> {
    // Outcomes that arrived before an earlier one, by index.
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    while next < total {
        let Some(done) = results.recv().await else {
            break; // closed early: what is held back is dropped
        };
        waiting.insert(done.index, done);
        while let Some(done) = waiting.remove(&next) {
            writeln!(out, "{}", line(&done))?;
            window.add_permits(1);
            on_line(&done);
            next += 1;
        }
    }
    Ok(next)
}
