#!/usr/bin/env bash
# Gradescope autograder setup: runs once when the autograder image is built.
# The autograder zip is the untouched student copy (the output of `cargo lab release`) with this
# script and run_autograder added at its top level; Gradescope unpacks it into /autograder/source.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates build-essential
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
source "$HOME/.cargo/env"
cd /autograder/source
# Build the tool and every lab's dependencies now, so grading a submission only compiles the
# student's own crates.
export CARGO_TARGET_DIR=/autograder/target
cargo build --quiet --package workbook
cargo test --quiet --workspace --no-run || true
