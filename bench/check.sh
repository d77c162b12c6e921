#!/usr/bin/env bash
# How fast is `vbump check` on a catalog of 300 plugins, next to a Python script that only parses
# the same manifests?
#
# Builds vbump (release), generates a synthetic catalog with `git fast-import` (bench/gen_catalog.py:
# PLUGINS plugins, each with its marketplace entry and its plugin.json, tagged; then COMMITS
# commits), and times `vbump check` side by side with `python3 bench/parse_manifests.py` (json and
# tomllib, no git, no comparison) on the same work tree: RUNS runs each, alternating, after one
# warm-up run of each. Wall time from `date +%s%N`; CPU time (user + system) and peak RSS from
# `/usr/bin/time`. Python is the interpreter itself (`sys.executable`), not a version-manager shim.
#
# Run from the repository root:   bash bench/check.sh
# Environment: PLUGINS=300 COMMITS=1000 RUNS=10
# Output: bench/out/check-<plugins>-<commits>/ (the repository) and the table on stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PLUGINS=${PLUGINS:-300}
COMMITS=${COMMITS:-1000}
RUNS=${RUNS:-10}
REPO=$ROOT/bench/out/check-$PLUGINS-$COMMITS

source bench/lib.sh
build_vbump
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

catalog_repo "$REPO" "$PLUGINS" "$COMMITS"
cd "$REPO"

# One run: "wall_ms cpu_ms rss_kib" (the output of the command is discarded; its exit code is kept
# in $status for the sanity line).
run() {
    local start end times
    start=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$REPO.time" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times=$(tail -1 "$REPO.time")
    awk -v wall=$(( (end - start) / 1000000 )) '{ printf "%d %d %d\n", wall, ($1 + $2) * 1000, $3 }' <<<"$times"
}

run "$VBUMP" check >/dev/null; run "$PYTHON" "$ROOT/bench/parse_manifests.py" >/dev/null
vbump=(); python=()
for _ in $(seq "$RUNS"); do
    vbump+=("$(run "$VBUMP" check)")
    python+=("$(run "$PYTHON" "$ROOT/bench/parse_manifests.py")")
done
column() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() {
    local name=$1; shift
    echo "| $name | $(column 1 "$@" | median) | $(column 2 "$@" | median) | $(column 3 "$@" | sort -n | tail -1) | $(column 1 "$@" | paste -sd' ') |"
}
echo "| command | wall, median of $RUNS (ms) | CPU user+sys, median (ms) | peak RSS (KiB) | wall of each run (ms) |"
echo "|---|---|---|---|---|"
row "vbump check" "${vbump[@]}"
row "python3 bench/parse_manifests.py" "${python[@]}"
echo
"$VBUMP" check >/dev/null 2>&1 && verdict="exit 0" || verdict="exit $?"
echo "vbump check: $verdict, $("$VBUMP" check 2>/dev/null | grep -c '/version') version locations;" \
     "python parsed $("$PYTHON" "$ROOT/bench/parse_manifests.py") files; $("$PYTHON" --version);" \
     "vbump $(git -C "$ROOT" rev-parse --short HEAD); load: $(cut -d' ' -f1-3 /proc/loadavg)"
