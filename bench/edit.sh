#!/usr/bin/env bash
# Benchmark of the version editors: a generated 5 MB marketplace.json (10,000 plugin entries) and
# the seed layout. Target: the 5 MB edit under 50 ms. Builds in --release (not part of CI).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example edit_bench
