pub fn spawn_error(program: String, error: io::Error) -> RunError {
    match error.kind() {
        io::ErrorKind::NotFound => RunError::NotFound { program },
        _ => RunError::Io {
            program,
            source: error,
        },
    }
}

pub fn check_status(program: String, output: Output) -> Result<Output, RunError> {
    if output.status.success() {
        return Ok(output);
    }
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Err(match output.status.code() {
        Some(code) => RunError::Exited {
            program,
            code,
            stderr,
        },
        None => RunError::Killed {
            program,
            signal: signal_of(output.status),
            stderr,
        },
    })
}

pub fn run(command: &mut Command) -> Result<Output, RunError> {
    let program = program_name(command);
    match command.output() {
        Ok(output) => check_status(program, output),
        Err(error) => Err(spawn_error(program, error)),
    }
}
