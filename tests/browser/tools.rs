//! The programs the browser test needs from the system, mdbook and Chromium, and what happens
//! without them: locally the test says it was skipped, why, and how to install what is missing,
//! and passes; under CI (`CI` set, as GitHub Actions does) it fails instead, so that a CI job
//! that lost its browser cannot go green without testing anything.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that names the browser binary, as `headless_chrome` also reads it.
pub const BROWSER_VAR: &str = "CHROME";

/// Browser names looked up on `PATH`, in this order (`.ci/run` looks for the same ones).
const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// What the test needs, found.
pub struct Tools {
    pub mdbook: PathBuf,
    pub browser: PathBuf,
}

/// Finds mdbook and a browser, once for all the tests. `None` means "skip": the reason has been
/// written to the terminal. Panics instead (in every test that asks) under CI, or when `CHROME`
/// names something that is not a program.
pub fn find() -> Option<&'static Tools> {
    static FOUND: OnceLock<Option<Tools>> = OnceLock::new();
    FOUND.get_or_init(look).as_ref()
}

fn look() -> Option<Tools> {
    let mdbook = on_path("mdbook");
    let browser = match std::env::var_os(BROWSER_VAR) {
        Some(named) if !named.is_empty() => {
            let named = PathBuf::from(named);
            let found = if named.components().count() > 1 {
                is_program(&named).then_some(named.clone())
            } else {
                on_path(&named.to_string_lossy())
            };
            assert!(
                found.is_some(),
                "{BROWSER_VAR}={} is not an executable program; point it at a Chromium or Chrome binary, or unset it",
                named.display()
            );
            found
        }
        _ => BROWSERS.iter().find_map(|name| on_path(name)),
    };
    let mut missing = Vec::new();
    if mdbook.is_none() {
        missing.push(
            "mdbook is not on PATH: install it with `cargo install mdbook --locked --version 0.5.4`"
                .to_string(),
        );
    }
    if browser.is_none() {
        missing.push(format!(
            "no Chromium or Chrome found (looked for {} on PATH, and ${BROWSER_VAR}): install one \
             with `sudo apt-get install chromium` (Debian; `chromium-browser` on Ubuntu), or set \
             {BROWSER_VAR}=/path/to/chrome",
            BROWSERS.join(", ")
        ));
    }
    match (mdbook, browser) {
        (Some(mdbook), Some(browser)) => Some(Tools { mdbook, browser }),
        _ if under_ci() => panic!(
            "the book's browser test cannot run, and CI is set, so this is a failure, not a skip:\n  {}",
            missing.join("\n  ")
        ),
        _ => {
            // Written straight to stderr, not with eprintln!: the test harness captures that
            // for passing tests, and a skip must be seen.
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "\nSKIPPED the book's browser test (tests/browser.rs); it passes without checking anything:"
            );
            for reason in &missing {
                let _ = writeln!(err, "  {reason}");
            }
            let _ = writeln!(
                err,
                "  (under CI, with CI=true, a missing tool fails this test instead)\n"
            );
            None
        }
    }
}

/// `CI` is set to something other than `false`/`0`: GitHub Actions and most CI services set
/// `CI=true`.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_program(candidate))
}

fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
