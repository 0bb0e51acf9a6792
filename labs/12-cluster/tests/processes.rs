//! Exercise 12.4: `Args::parse`, and the same program run as two processes.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{program, text};
use lab_cluster::args::{Args, Mode};
use lab_cluster::cluster::parse_counts;
use lab_cluster::launch::{LocalCluster, ProcessGuard, ScratchDir};
use lab_cluster::text::{Counts, owner, sequential_count};
use lab_support::PATIENCE;
use lab_support::process::assert_all_gone;

fn parse(args: &[&str]) -> Result<Args, String> {
    Args::parse(args.iter().map(|arg| arg.to_string()))
}

fn parsed(args: &[&str]) -> Args {
    parse(args).unwrap_or_else(|error| panic!("{args:?} is a good command line, yet: {error}"))
}

/// (worker threads per process, processes, this process's index, addresses) of a config,
/// whichever way it is written (one worker may be `Thread` or `Process(1)`).
fn shape(config: &timely::Config) -> (usize, usize, usize, Vec<String>) {
    use timely::CommunicationConfig as C;
    match &config.communication {
        C::Thread => (1, 1, 0, Vec::new()),
        C::Process(threads) | C::ProcessBinary(threads) => (*threads, 1, 0, Vec::new()),
        C::Cluster {
            threads,
            process,
            addresses,
            ..
        } => (*threads, addresses.len(), *process, addresses.clone()),
    }
}

#[test]
fn parse_counts_one_file_on_one_worker_by_default() {
    let args = parsed(&["wordcount", "notes.txt"]);
    assert_eq!(
        shape(&args.config),
        (1, 1, 0, Vec::new()),
        "no option: one worker thread, in one process"
    );
    assert_eq!(
        args.mode,
        Mode::Count {
            input: PathBuf::from("notes.txt"),
            combine: false
        },
        "the program's name is not the file: the file is the one argument after it"
    );
}

#[test]
fn parse_reads_the_threads_and_the_combiner_in_any_order() {
    for line in [
        &["wordcount", "-w", "4", "--combine", "notes.txt"][..],
        &["wordcount", "notes.txt", "--combine", "--threads", "4"][..],
    ] {
        let args = parsed(line);
        assert_eq!(
            shape(&args.config),
            (4, 1, 0, Vec::new()),
            "{line:?}: four worker threads in one process"
        );
        assert_eq!(
            args.mode,
            Mode::Count {
                input: PathBuf::from("notes.txt"),
                combine: true
            },
            "{line:?}"
        );
    }
}

#[test]
fn parse_reads_the_processes_the_index_and_the_host_file() {
    let dir = ScratchDir::new().expect("a scratch directory");
    let hosts = dir.path().join("hosts.txt");
    std::fs::write(&hosts, "127.0.0.1:7000\n127.0.0.1:7001\n127.0.0.1:7002\n").unwrap();
    let hosts = hosts.to_str().expect("a UTF-8 path");
    for index in 0..2 {
        let p = index.to_string();
        let args = parsed(&[
            "wordcount",
            "-n",
            "2",
            "-p",
            &p,
            "-h",
            hosts,
            "-w",
            "2",
            "a.txt",
        ]);
        assert_eq!(
            shape(&args.config),
            (
                2,
                2,
                index,
                vec!["127.0.0.1:7000".to_string(), "127.0.0.1:7001".to_string()]
            ),
            "-n 2 -p {index} -h FILE -w 2: process {index} of 2, two worker threads each, at the \
             first two addresses of the host file"
        );
    }
}

#[test]
fn parse_reads_the_stream_mode_and_its_timeout() {
    assert_eq!(
        parsed(&["wordcount", "--stream"]).mode,
        Mode::Stream { timeout: None }
    );
    assert_eq!(
        parsed(&["wordcount", "--timeout", "2.5", "--stream", "-w", "3"]).mode,
        Mode::Stream {
            timeout: Some(Duration::from_millis(2500))
        }
    );
}

#[test]
fn parse_rejects_bad_command_lines() {
    let dir = ScratchDir::new().expect("a scratch directory");
    let two = dir.path().join("two.txt");
    std::fs::write(&two, "127.0.0.1:7000\n127.0.0.1:7001\n").unwrap();
    let two = two.to_str().expect("a UTF-8 path");
    let missing = dir.path().join("missing.txt");
    let missing = missing.to_str().expect("a UTF-8 path");
    let bad: Vec<(Vec<&str>, &str)> = vec![
        (vec!["wordcount"], "no file to count"),
        (vec!["wordcount", "a.txt", "b.txt"], "two files"),
        (vec!["wordcount", "--bogus", "a.txt"], "an unknown option"),
        (vec!["wordcount", "a.txt", "-w"], "-w without its value"),
        (
            vec!["wordcount", "-w", "many", "a.txt"],
            "-w that is not a number",
        ),
        (vec!["wordcount", "-w", "0", "a.txt"], "no worker thread"),
        (vec!["wordcount", "-n", "0", "a.txt"], "no process"),
        (vec!["wordcount", "-p", "1", "a.txt"], "process 1 of 1"),
        (
            vec!["wordcount", "-n", "2", "-p", "2", "-h", two, "a.txt"],
            "process 2 of 2",
        ),
        (
            vec!["wordcount", "-n", "3", "-p", "0", "-h", two, "a.txt"],
            "3 processes, 2 hosts",
        ),
        (
            vec!["wordcount", "-n", "2", "-h", missing, "a.txt"],
            "a missing host file",
        ),
        (
            vec!["wordcount", "--stream", "a.txt"],
            "a file with --stream",
        ),
        (
            vec!["wordcount", "--stream", "--timeout", "0"],
            "a timeout of 0",
        ),
        (
            vec!["wordcount", "--stream", "--timeout", "soon"],
            "a timeout that is no number",
        ),
    ];
    for (line, what) in bad {
        let outcome = parse(&line);
        assert!(
            outcome.is_err(),
            "{line:?} ({what}) should be rejected with an error, yet it parsed as {outcome:?}"
        );
    }
}

/// Writes `text` to a file in `dir`, and returns its path.
fn write_text(dir: &ScratchDir, text: &str) -> String {
    let path = dir.path().join("text.txt");
    std::fs::write(&path, text).expect("write the text");
    path.to_str().expect("a UTF-8 path").to_string()
}

/// Runs `wordcount` as one process with `args`; returns its counts.
fn one_process(args: &[&str]) -> Counts {
    let mut process = ProcessGuard::spawn("wordcount", Command::new(program()).args(args))
        .expect("start wordcount");
    let pid = process.id();
    let status = process
        .wait_exit(PATIENCE)
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert!(status.success(), "wordcount {args:?}{}", process.report());
    let counts = parse_counts(process.stdout()).unwrap_or_else(|e| panic!("{e}"));
    drop(process);
    assert_all_gone(&[pid], "wordcount was reaped");
    counts
}

/// Runs `wordcount` as two processes of `threads` workers each; returns what each printed.
fn two_processes(file: &str, threads: usize, dir: &ScratchDir) -> Vec<Counts> {
    let threads = threads.to_string();
    let mut cluster =
        LocalCluster::start(program(), 2, &["-w", &threads, file], dir.path(), PATIENCE)
            .unwrap_or_else(|failure| panic!("{failure}"));
    let pids = cluster.ids();
    let mut outputs = Vec::new();
    for process in &mut cluster.processes {
        let status = process
            .wait_exit(PATIENCE)
            .unwrap_or_else(|failure| panic!("{failure}"));
        assert!(
            status.success(),
            "each process should count and exit successfully{}",
            process.report()
        );
        outputs.push(parse_counts(process.stdout()).unwrap_or_else(|e| panic!("{e}")));
    }
    drop(cluster);
    assert_all_gone(&pids, "both processes ended and the cluster was dropped");
    outputs
}

fn check_two_processes(outputs: &[Counts], threads: usize, expected: &Counts) {
    let peers = 2 * threads;
    let mut union = Counts::new();
    for (process, counts) in outputs.iter().enumerate() {
        for (word, n) in counts {
            let worker = owner(word, peers);
            assert_eq!(
                worker / threads,
                process,
                "process {process} printed {word:?}, which worker {worker} owns, a worker of \
                 process {}: each process prints only the words its own workers own",
                worker / threads
            );
            union.insert(word.clone(), *n);
        }
    }
    assert_eq!(
        &union, expected,
        "the two processes' counts together should be the count of the whole text"
    );
}

#[test]
fn two_processes_count_like_one() {
    let dir = ScratchDir::new().expect("a scratch directory");
    let text = text(7, 1500, 400);
    let file = write_text(&dir, &text);
    let expected = sequential_count(&text);
    assert_eq!(
        one_process(&["-w", "2", &file]),
        expected,
        "wordcount -w 2 FILE, one process of two workers"
    );
    let outputs = two_processes(&file, 1, &dir);
    check_two_processes(&outputs, 1, &expected);
}

#[test]
fn two_processes_of_two_workers_count_like_one() {
    let dir = ScratchDir::new().expect("a scratch directory");
    let text = text(8, 1500, 400);
    let file = write_text(&dir, &text);
    let outputs = two_processes(&file, 2, &dir);
    check_two_processes(&outputs, 2, &sequential_count(&text));
}
