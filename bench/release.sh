#!/usr/bin/env bash
# Benchmarks a full local release (`vbump release`, no push): plan, journal, atomic file writes,
# commit and annotated tag, on
#   1. the seed layout (fixtures/demo: 3 version files, 4 version fields), and
#   2. a repository with 50 version files (packages/pNN/package.json, declared in vbump.toml).
# Each run starts from a pristine copy of the repository (hyperfine --prepare), so every timed run
# really releases. Target: under 100 ms for the seed layout.
#
#   bash bench/release.sh            # builds target/release/vbump first
#   VBUMP=/path/to/vbump bash bench/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench/release.sh: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
if [ -z "${VBUMP:-}" ]; then
  cargo build --release --quiet
  VBUMP=$PWD/target/release/vbump
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
printf '[user]\n\tname = Bench\n\temail = bench@example.com\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n' >"$GIT_CONFIG_GLOBAL"

# 1. The seed layout.
bash fixtures/demo/make-repo.sh "$work/seed" >/dev/null

# 2. Fifty version files.
mkdir -p "$work/fifty"
(
  cd "$work/fifty"
  git init --quiet --initial-branch=main
  : >vbump.toml
  for i in $(seq -w 1 50); do
    mkdir -p "packages/p$i"
    printf '{\n  "name": "p%s",\n  "version": "2.4.1",\n  "private": true\n}\n' "$i" >"packages/p$i/package.json"
    printf '[[location]]\nfile = "packages/p%s/package.json"\njson = "/version"\n\n' "$i" >>vbump.toml
  done
  git add --all && git commit --quiet -m "chore: fifty packages" && git tag v2.4.1
  git commit --quiet --allow-empty -m "feat: something new"
  git commit --quiet --allow-empty -m "fix: something broken"
)

for name in seed fifty; do
  # Sanity check outside the timing: the release really happens and edits the files.
  cp -a "$work/$name" "$work/check"
  "$VBUMP" release -C "$work/check" >/dev/null
  git -C "$work/check" show --stat --format=%s HEAD | head -3
  rm -rf "$work/check"
done

hyperfine --warmup 3 --runs "${RUNS:-30}" ${OUT:+--export-markdown "$OUT"} \
  --prepare "rm -rf '$work/run' && cp -a '$work/seed' '$work/run'" \
  --command-name "seed layout (3 files, 4 fields)" "'$VBUMP' release -C '$work/run'" \
  --prepare "rm -rf '$work/run' && cp -a '$work/fifty' '$work/run'" \
  --command-name "50 version files" "'$VBUMP' release -C '$work/run'"
