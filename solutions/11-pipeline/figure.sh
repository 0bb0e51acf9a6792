#!/bin/sh
# Prints one of lab 11's measured figures: `figure.sh EXAMPLE` runs the lab's example EXAMPLE
# (overlap, bottleneck or timeline) in release mode and prints what it prints (Markdown).
#
# The examples measure the pipeline the student writes, so they need the solution in place:
# this script runs them in the copy of the workspace that `cargo lab solution 11-pipeline`
# makes (it shares the workspace's target directory). `cargo lab figures` runs it from the
# workbook's root (see book/figures/figures.toml). It lives in solutions/, which students never
# get: they run the examples on their own pipeline instead.
set -e
example="$1"
copy=$(cargo lab solution 11-pipeline | sed -n 's/^  cd \(.*\) && CARGO_TARGET_DIR=\([^ ]*\) .*/\1 \2/p')
if [ -z "$copy" ]; then
    echo "figure.sh: could not find the solution's copy in the output of cargo lab solution" >&2
    exit 1
fi
set -- $copy
cd "$1"
CARGO_TARGET_DIR="$2" exec cargo run --release --quiet -p lab-pipeline --example "$example"
