impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut options = getopts::Options::new();
        timely::Config::install_options(&mut options);
        options.optflag(
            "",
            "combine",
            "combine each split's words before the exchange",
        );
        options.optflag("", "stream", "count stdin epoch by epoch");
        options.optopt("", "timeout", "give up after SECS without progress", "SECS");
        let matches = options
            .parse(args.into_iter().skip(1))
            .map_err(|e| e.to_string())?;

        let threads: usize = matches
            .opt_get_default("w", 1)
            .map_err(|e| format!("-w: {e}"))?;
        let processes: usize = matches
            .opt_get_default("n", 1)
            .map_err(|e| format!("-n: {e}"))?;
        let process: usize = matches
            .opt_get_default("p", 0)
            .map_err(|e| format!("-p: {e}"))?;
        if threads == 0 || processes == 0 {
            return Err("-w and -n count workers and processes: at least 1".to_string());
        }
        if process >= processes {
            return Err(format!(
                "-p {process} names no process: with -n {processes} the indices are 0 to {}",
                processes - 1
            ));
        }
        let config = timely::Config::from_matches(&matches)?;

        let mode = if matches.opt_present("stream") {
            if !matches.free.is_empty() {
                return Err(format!(
                    "--stream counts stdin, not {:?}",
                    matches.free.join(" ")
                ));
            }
            let timeout = match matches.opt_str("timeout") {
                None => None,
                Some(secs) => match secs.parse::<f64>() {
                    Ok(secs) if secs > 0.0 && secs.is_finite() => {
                        Some(Duration::from_secs_f64(secs))
                    }
                    _ => return Err(format!("--timeout {secs}: not a number of seconds above 0")),
                },
            };
            Mode::Stream { timeout }
        } else {
            match &matches.free[..] {
                [input] => Mode::Count {
                    input: PathBuf::from(input),
                    combine: matches.opt_present("combine"),
                },
                [] => return Err("which file should I count?".to_string()),
                more => return Err(format!("one file at a time, not {}", more.len())),
            }
        };
        Ok(Args { config, mode })
    }
}
