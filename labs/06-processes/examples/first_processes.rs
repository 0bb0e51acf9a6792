//! The chapter's first look at processes: run a program, read its status, talk to it through
//! pipes. The example runs *itself* as the child (with an argument that says which part to
//! play), so it needs nothing outside the lab:
//!
//! ```console
//! $ cargo run -p lab-processes --example first_processes
//! ```

use std::env;
use std::io::{self, Read, Write};
use std::process::{self, Command, ExitCode, Stdio};

fn main() -> io::Result<ExitCode> {
    match env::args().nth(1).as_deref() {
        None => parent()?,
        Some("greet") => greet(),
        Some("fail") => return Ok(ExitCode::from(3)),
        Some("shout") => shout()?,
        Some(other) => eprintln!("unknown part {other:?}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn parent() -> io::Result<()> {
    let me = env::current_exe()?;

    // ANCHOR: output
    // Run a program to the end and collect everything it wrote.
    let output = Command::new(&me).arg("greet").output()?;
    println!(
        "parent {}: the child said {:?}",
        process::id(),
        String::from_utf8_lossy(&output.stdout)
    );
    println!("parent: and ended with {}", output.status);
    // ANCHOR_END: output

    // ANCHOR: status
    // Only the status: stdout and stderr are inherited, so whatever the child prints shows up
    // directly in our terminal.
    let status = Command::new(&me).arg("fail").status()?;
    match status.code() {
        Some(0) => println!("parent: success"),
        Some(code) => println!("parent: the child failed with status {code}"),
        None => println!("parent: the child was killed by a signal"),
    }
    // ANCHOR_END: status

    // ANCHOR: pipes
    // Spawn, then talk to the child through pipes while it runs.
    let mut child = Command::new(&me)
        .arg("shout")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(b"hello from your parent")?;
    drop(stdin); // closing our end is how the child learns that the input is over
    let mut answer = String::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_string(&mut answer)?;
    let status = child.wait()?; // reap the child: no zombie left behind
    println!("parent: the child shouted {answer:?} and ended with {status}");
    // ANCHOR_END: pipes
    Ok(())
}

/// The child's part for `output`: who am I, and who is my parent?
fn greet() {
    #[cfg(unix)]
    let parent = std::os::unix::process::parent_id().to_string();
    #[cfg(not(unix))]
    let parent = String::from("?");
    print!("I am process {}, child of {parent}", process::id());
}

/// The child's part for `pipes`: read everything, answer in capitals.
fn shout() -> io::Result<()> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text)?;
    print!("{}", text.to_uppercase());
    Ok(())
}
