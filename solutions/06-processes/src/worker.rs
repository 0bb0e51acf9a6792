use crate::protocol::receive;
use crate::protocol::send;
use std::process::Command;
use std::process::Stdio;

impl Worker {
    pub fn start(program: &Path) -> io::Result<Worker> {
        let mut process = ChildGuard::spawn(
            Command::new(program)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        )?;
        let (Some(stdin), Some(stdout)) = (process.take_stdin(), process.take_stdout()) else {
            unreachable!("stdin and stdout were both set to Stdio::piped()");
        };
        Ok(Worker {
            stdin,
            stdout: BufReader::new(stdout),
            process,
        })
    }

    pub fn call(&mut self, task: &Task) -> Result<Reply, TaskError> {
        match self.exchange(task) {
            Ok(Some(reply)) => Ok(reply),
            // The worker hung up, or the conversation broke: either way it is of no more use.
            Ok(None) | Err(_) => match self.process.kill() {
                Ok(status) => Err(TaskError::WorkerDied(status)),
                Err(error) => Err(TaskError::Io(error)),
            },
        }
    }

    /// One round trip: the task out, the reply back (`None` if the worker closed its stdout).
    fn exchange(&mut self, task: &Task) -> io::Result<Option<Reply>> {
        send(&mut self.stdin, task)?;
        receive(&mut self.stdout)
    }

    pub fn shutdown(self) -> io::Result<ExitStatus> {
        let Worker {
            stdin,
            stdout,
            mut process,
        } = self;
        drop(stdin);
        drop(stdout);
        process.wait()
    }
}
