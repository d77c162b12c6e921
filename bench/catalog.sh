#!/usr/bin/env bash
# How fast does `vbump next` read the history of a plugin catalog, for every package at once?
#
# Builds vbump (release), generates a synthetic catalog with `git fast-import` (bench/gen_catalog.py:
# PLUGINS plugins, each tagged, then COMMITS commits changing 1-3 files in random plugins), and times
# `vbump next` side by side with the floor `git log --format=%H%n%B --name-only <oldest tag>..HEAD`
# on the same repository (a `date +%s%N` loop, RUNS runs each, alternating). Peak RSS comes from
# `/usr/bin/time -v`.
#
# Run from the repository root:   bash bench/catalog.sh
# Environment: PLUGINS=100 COMMITS=100000 RUNS=5
# Output: bench/out/catalog-<plugins>-<commits>/ (the repository) and the table on stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PLUGINS=${PLUGINS:-100}
COMMITS=${COMMITS:-100000}
RUNS=${RUNS:-5}
REPO=$ROOT/bench/out/catalog-$PLUGINS-$COMMITS

source bench/lib.sh
build_vbump

catalog_repo "$REPO" "$PLUGINS" "$COMMITS"
cd "$REPO"
OLDEST=plugin-000--v1.0.0

ms() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }

floor=(); next=()
for _ in $(seq "$RUNS"); do
    floor+=("$(ms git log --format=%H%n%B --name-only "$OLDEST..HEAD")")
    next+=("$(ms "$VBUMP" next)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| command | median of $RUNS (ms) | runs (ms) | peak RSS (KiB) |"
echo "|---|---|---|---|"
echo "| git log --format=%H%n%B --name-only $OLDEST..HEAD (floor) | $(median "${floor[@]}") | ${floor[*]} | $(rss git log --format=%H%n%B --name-only "$OLDEST..HEAD") |"
echo "| vbump next | $(median "${next[@]}") | ${next[*]} | $(rss "$VBUMP" next) |"
echo
echo "commits in range: $(git rev-list --count "$OLDEST..HEAD"); packages to release: $("$VBUMP" next 2>/dev/null | wc -l); load: $(cut -d' ' -f1-3 /proc/loadavg)"
