#!/usr/bin/env bash
# Fuzzes the version editors (JSON, TOML, regex) with cargo-fuzz. Not part of CI.
# Usage: fuzz/run.sh [SECONDS]   (default 300). Needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz --locked`). Seeds the corpus from fixtures/real/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
corpus=corpus/edit
mkdir -p "$corpus"
i=0
for f in ../fixtures/real/*/*; do
  case "$f" in
    *.json) mode='\x00' ;;
    *.toml) mode='\x01' ;;
    *) continue ;;
  esac
  for pick in '\x00' '\x01' '\x02' '\x03'; do
    { printf "$mode$pick"; cat "$f"; } > "$corpus/seed-$i"
    i=$((i + 1))
  done
done
cargo +nightly fuzz run edit "$corpus" -- -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
