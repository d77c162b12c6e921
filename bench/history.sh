#!/usr/bin/env bash
# How fast does `vbump next` read a long history, and how much memory does it take?
#
# Builds vbump (release), generates synthetic repositories with `git fast-import` (tag v1.0.0, then
# 1k / 10k / 100k Conventional Commits, merges included; see bench/gen_history.py), and times
# `vbump next` against the floor `git log --format=%B v1.0.0..HEAD >/dev/null` on the same repository
# with hyperfine (a `date +%s%N` loop when hyperfine is missing). Peak RSS comes from
# `/usr/bin/time -v`. Peers found on PATH (git-cliff, cog, convco, cz) are timed on a clone of the
# same repository that carries their configuration, so vbump's repository stays untouched.
#
# Run from the repository root:   bash bench/history.sh
# Environment:
#   SIZES="1000 10000 100000"  commit counts after the tag
#   RUNS=10 WARMUP=2           hyperfine runs for vbump and the floor
#   PEER_RUNS=3 PEER_WARMUP=1  hyperfine runs for the peers (Python peers are slow at 100k)
#   INSTALL_PEERS=1            pip-install commitizen and git-cliff into bench/out/venv first
#   NO_PEERS=1                 time vbump and the floor only
#   NO_HYPERFINE=1             use the `date +%s%N` loop even when hyperfine is installed
# Output: bench/out/results/<size>/<command>.{json,md,rss,out} and bench/out/results.md (printed).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/bench/out
RESULTS=$OUT/results
SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PEER_RUNS=${PEER_RUNS:-3}
PEER_WARMUP=${PEER_WARMUP:-1}
TAG=v1.0.0
mkdir -p "$OUT" "$RESULTS"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- 1. vbump, built once --------------------------------------------------------------------
say "cargo build --release"
nice -n 10 cargo build --release --quiet
VBUMP=$ROOT/target/release/vbump

if [[ ${INSTALL_PEERS:-0} == 1 ]]; then
    say "installing commitizen and git-cliff into bench/out/venv"
    [[ -x $OUT/venv/bin/pip ]] || python3 -m venv "$OUT/venv"
    nice -n 10 "$OUT/venv/bin/pip" install --quiet commitizen git-cliff
fi
# Peers installed by INSTALL_PEERS (or by hand) into the venv count as being on PATH.
[[ -d $OUT/venv/bin ]] && PATH=$PATH:$OUT/venv/bin

# --- 2. repositories ---------------------------------------------------------------------------
# repo-N: what vbump and the floor read. peers-N: a clone (objects hard-linked, same pack) plus the
# peers' configuration files.
generate() {
    local n=$1 repo=$OUT/repo-$1
    if [[ -f $repo/.git/bench-complete ]] && [[ $(git -C "$repo" rev-list --count "$TAG..HEAD") == "$n" ]]; then
        say "reusing $repo"
        return
    fi
    say "generating $repo ($n commits after $TAG)"
    rm -rf "$repo" "$OUT/peers-$n"
    git init --quiet --initial-branch=main "$repo"
    nice -n 10 python3 "$ROOT/bench/gen_history.py" "$n" | nice -n 10 git -C "$repo" fast-import --quiet --done
    # Topic branches are merged; a fresh CI checkout has only the default branch.
    git -C "$repo" for-each-ref --format='delete %(refname)' 'refs/heads/topic*' | git -C "$repo" update-ref --stdin
    # A repository as a clone delivers it: one fully packed pack, files checked out.
    nice -n 10 git -C "$repo" repack -a -d -q
    git -C "$repo" checkout --quiet main
    git -C "$repo" reset --quiet --hard
    touch "$repo/.git/bench-complete"
}

peer_clone() {
    local n=$1 peers=$OUT/peers-$1
    [[ -f $peers/.cz.toml ]] && return
    rm -rf "$peers"
    git clone --quiet "$OUT/repo-$n" "$peers"
    # commitizen: current version and how tags are named; everything else at its defaults.
    cat >"$peers/.cz.toml" <<EOF
[tool.commitizen]
name = "cz_conventional_commits"
version = "1.0.0"
tag_format = "v\$version"
EOF
    # cocogitto: tags are prefixed with v.
    printf 'tag_prefix = "v"\n' >"$peers/cog.toml"
    # The files are untracked and ignored, so the peers see a clean tree.
    printf '.cz.toml\ncog.toml\n' >>"$peers/.git/info/exclude"
}

# --- 3. timing ---------------------------------------------------------------------------------
# measure NAME DIR RUNS WARMUP CMD...: hyperfine (or a loop) into results/N/NAME.json, peak RSS into
# NAME.rss, one run's stdout into NAME.out. CMD runs in DIR without a shell; its output is discarded.
measure() {
    local name=$1 dir=$2 runs=$3 warmup=$4
    shift 4
    local base=$RESULTS/$SIZE/$name
    mkdir -p "$RESULTS/$SIZE"
    (cd "$dir" && "$@" >"$base.out" 2>"$base.err") || {
        say "$name failed on $SIZE commits (see $base.err); skipped"
        rm -f "$base.json" "$base.rss"
        return
    }
    say "$SIZE commits: $name -> $(head -c 60 "$base.out" | tr '\n' ' ')"
    if [[ ${NO_HYPERFINE:-0} != 1 ]] && command -v hyperfine >/dev/null; then
        local quoted
        quoted=$(printf '%q ' "$@")
        (cd "$dir" && hyperfine --shell=none --style basic --warmup "$warmup" --runs "$runs" \
            --command-name "$name" --export-json "$base.json" --export-markdown "$base.md" "$quoted" >&2)
    else
        local times=() i t0 t1
        for ((i = 0; i < warmup; i++)); do (cd "$dir" && "$@" >/dev/null 2>&1); done
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            (cd "$dir" && "$@" >/dev/null 2>&1)
            t1=$(date +%s%N)
            times+=("$(((t1 - t0) / 1000))")
        done
        python3 - "$name" "$base.json" "${times[@]}" <<'EOF'
import json, statistics, sys
name, path, times = sys.argv[1], sys.argv[2], [int(t) / 1e6 for t in sys.argv[3:]]
result = {"command": name, "mean": statistics.mean(times), "median": statistics.median(times),
          "stddev": statistics.stdev(times) if len(times) > 1 else 0.0, "min": min(times),
          "max": max(times), "times": times}
json.dump({"results": [result]}, open(path, "w"), indent=2)
EOF
    fi
    # Peak RSS: the highest of three runs.
    local rss=0 r
    for _ in 1 2 3; do
        r=$(cd "$dir" && /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}')
        ((r > rss)) && rss=$r
    done
    echo "$rss" >"$base.rss"
}

for SIZE in $SIZES; do
    generate "$SIZE"
done

for SIZE in $SIZES; do
    repo=$OUT/repo-$SIZE
    rm -rf "${RESULTS:?}/$SIZE"
    measure floor "$repo" "$RUNS" "$WARMUP" git log --format=%B "$TAG..HEAD"
    measure vbump "$repo" "$RUNS" "$WARMUP" "$VBUMP" next
    [[ ${NO_PEERS:-0} == 1 ]] && continue
    peer_clone "$SIZE"
    peers=$OUT/peers-$SIZE
    command -v git-cliff >/dev/null && measure git-cliff "$peers" "$PEER_RUNS" "$PEER_WARMUP" git-cliff --bumped-version
    command -v cog >/dev/null && measure cog "$peers" "$PEER_RUNS" "$PEER_WARMUP" cog bump --auto --dry-run
    command -v convco >/dev/null && measure convco "$peers" "$PEER_RUNS" "$PEER_WARMUP" convco version --bump
    command -v cz >/dev/null && measure cz "$peers" "$PEER_RUNS" "$PEER_WARMUP" cz bump --get-next
done

# --- 4./5. report ------------------------------------------------------------------------------
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
python3 "$ROOT/bench/report.py" "$RESULTS" "$SIZES" \
    "$(date -u +%Y-%m-%d)" "$(nproc)" "$cpu" "$(git --version | awk '{print $3}')" \
    "$( ([[ ${NO_HYPERFINE:-0} != 1 ]] && hyperfine --version 2>/dev/null) || echo "none (date loop)")" \
    "$(git -C "$ROOT" rev-parse --short HEAD)" "$LOAD" >"$OUT/results.md"
cat "$OUT/results.md"
