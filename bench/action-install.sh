#!/usr/bin/env bash
# Measures the GitHub Action's fixed costs locally (issue 6, target: install + run of a release on a
# small repository under 5 s on a hosted runner):
#   1. scripts/install.sh against a release directory served on 127.0.0.1 (download of the real
#      binary, SHA-256 check, move into place, `vbump --version`);
#   2. vbump's start-up (`vbump --version`);
#   3. `vbump lint` on one message and on a 1,000-commit range.
# Needs hyperfine and python3. Uses target/release/vbump (build it first:
# `cargo build --release --locked`). Prints hyperfine's tables; nothing is written outside a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${VBUMP_BIN:-target/release/vbump}"
[ -x "$bin" ] || { echo "build $bin first: cargo build --release --locked" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) echo "no release target for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
mkdir -p "$work/releases/v9.9.9"
cp "$bin" "$work/releases/v9.9.9/vbump-$target"
(
  cd "$work/releases/v9.9.9"
  if command -v sha256sum >/dev/null; then sha256sum "vbump-$target"; else shasum -a 256 "vbump-$target"; fi >SHA256SUMS
)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/releases" "$port" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v9.9.9/SHA256SUMS" >/dev/null && break; sleep 0.1; done

echo "binary: $bin ($(wc -c <"$bin") bytes)"
export VBUMP_DOWNLOAD_URL="http://127.0.0.1:$port" VBUMP_ACTION_REF=v9.9.9 VBUMP_INSTALL_DIR="$work/install"
hyperfine --warmup 3 --runs 30 --prepare "rm -rf '$work/install'" -n "install.sh (local HTTP)" \
  "bash scripts/install.sh >/dev/null 2>&1"

hyperfine --warmup 5 --runs 100 -N -n "vbump --version" "$bin --version"

git init --quiet --initial-branch=main "$work/repo"
(
  cd "$work/repo"
  git -c user.name=b -c user.email=b@b commit --quiet --allow-empty -m "chore: base"
  git tag base
  # 1,000 commits through fast-import: seconds, not minutes.
  {
    for i in $(seq 1000); do
      msg="feat(area$((i % 7))): change number $i"
      printf 'commit refs/heads/main\ncommitter b <b@b> %d +0000\ndata %d\n%s\n' "$((1700000000 + i))" "$((${#msg} + 1))" "$msg"
      if [ "$i" = 1 ]; then printf 'from refs/tags/base\n'; fi
      printf '\n'
    done
  } | git fast-import --quiet
  git reset --quiet --hard main
)
"$bin" lint -C "$work/repo" --range base..main | tail -n 1
hyperfine --warmup 3 --runs 50 -N -n "vbump lint --message" "$bin lint --message 'feat(api): add pagination'"
hyperfine --warmup 3 --runs 20 -N -n "vbump lint --range (1,000 commits)" "$bin lint -C $work/repo --range base..main"
