#!/usr/bin/env bash
# Gradescope autograder setup: runs once, as root, when the autograder image is built.
# The autograder zip is the untouched student copy (the output of `cargo lab release`) with this
# script and run_autograder added at its top level; Gradescope unpacks it into /autograder/source.
#
# Everything grading runs is installed into /opt/cargo-lab, outside /autograder/source and
# /autograder/submission, owned by root and writable by nobody else: the grader binary (bin/),
# the pristine copy it grades against (pristine/), its build folder (target/) and its work folder
# (work/). Grading the pristine copy once here builds what every grading needs (each lab's tests,
# plain and the loom models in release, and clippy's view of the dependencies), so grading a
# submission compiles only the student's own lab crates.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates build-essential
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
  | sh -s -- -y --profile minimal --component clippy
source "$HOME/.cargo/env"

home=/opt/cargo-lab
rm -rf "$home"
mkdir -p "$home/bin"
cp -a /autograder/source "$home/pristine"
export CARGO_TARGET_DIR="$home/target"
(cd "$home/pristine" && cargo build --release --locked --package workbook)
install -m 0755 "$CARGO_TARGET_DIR/release/workbook" "$home/bin/cargo-lab"
chown -R root:root "$home"
chmod -R go-w "$home"
chmod 0755 "$home" "$home/bin"

# The warm-up: grade the starter itself (it scores zero; what matters is what it builds).
"$home/bin/cargo-lab" grade --root "$home/pristine" --pristine "$home/pristine" \
  --work-dir "$home/work" --format json --out /tmp/cargo-lab-warm-up.json
