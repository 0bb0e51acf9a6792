//! Clean environments: what a test process sees, and what Cargo is given when it builds a
//! submission. Both are allow-lists: a variable not named here does not pass.

use std::ffi::OsString;
use std::path::Path;

/// `PATH` for test processes: the system's folders, never one a user (or a test) can write.
pub const TEST_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The whole environment of a test process whose private folder is `scratch`: `PATH`, `HOME` and
/// `TMPDIR` (the scratch folder), `LANG`, and `RUST_BACKTRACE=0`. Nothing of the grader's own
/// environment (`GITHUB_*`, `CARGO_MANIFEST_DIR`, tokens) reaches the test.
pub fn for_tests(scratch: &Path) -> Vec<(String, String)> {
    let scratch = scratch.to_string_lossy().into_owned();
    vec![
        ("PATH".into(), TEST_PATH.into()),
        ("HOME".into(), scratch.clone()),
        ("TMPDIR".into(), scratch),
        ("LANG".into(), lang()),
        ("RUST_BACKTRACE".into(), "0".into()),
    ]
}

/// The grader's `LANG` when it is a plain locale name, `C.UTF-8` otherwise.
fn lang() -> String {
    std::env::var("LANG")
        .ok()
        .filter(|l| {
            !l.is_empty()
                && l.len() < 64
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c))
        })
        .unwrap_or_else(|| "C.UTF-8".into())
}

/// Variables Cargo, rustup and rustc need from the grader's environment, by exact name.
const CARGO_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "CARGO_HOME",
    "CARGO_BUILD_JOBS",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTUP_AUTO_INSTALL",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
];

/// Prefixes of network settings for Cargo and rustup (never credentials: see [`for_cargo`]).
const CARGO_PREFIXES: &[&str] = &[
    "CARGO_HTTP_",
    "CARGO_NET_",
    "CARGO_REGISTRIES_",
    "RUSTUP_DIST_",
    "RUSTUP_UPDATE_",
];

/// The environment for building a submission: the grader's toolchain and network settings,
/// nothing else. Dropped on purpose: `RUSTFLAGS`, `RUSTC_WRAPPER` and every other build setting
/// (the grade must not depend on who runs the grader), `CARGO_MANIFEST_DIR` and `GITHUB_*` (which
/// `env!` would bake into the student's binary), and anything that looks like a credential.
pub fn for_cargo() -> Vec<(OsString, OsString)> {
    std::env::vars_os()
        .filter(|(name, _)| {
            let Some(name) = name.to_str() else {
                return false;
            };
            let upper = name.to_ascii_uppercase();
            let secret = ["TOKEN", "CREDENTIAL", "SECRET", "PASSWORD"]
                .iter()
                .any(|s| upper.contains(s));
            !secret
                && (CARGO_NAMES.contains(&name)
                    || CARGO_PREFIXES.iter().any(|p| name.starts_with(p)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_get_only_the_allow_list() {
        let env = for_tests(Path::new("/scratch"));
        let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["PATH", "HOME", "TMPDIR", "LANG", "RUST_BACKTRACE"]);
        assert!(env.contains(&("HOME".into(), "/scratch".into())));
    }
}
