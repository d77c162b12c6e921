#!/usr/bin/env bash
# Installs vbump for the GitHub Action (action.yml, step "install").
#
# Which vbump:
#   VBUMP_VERSION     the action's `vbump-version` input: a release (1.4.0 or v1.4.0). Must exist.
#   VBUMP_ACTION_REF  the ref the action was used at (`github.action_ref`). A release tag (v1.4.0)
#                     downloads that release; a full commit SHA downloads the release whose Cargo.toml
#                     version it carries when that release was cut from this very commit (its COMMIT
#                     asset says so); anything else (a branch, a moving tag) builds from source.
# Where from:
#   VBUMP_DOWNLOAD_URL  base of the release downloads (default: this repository's GitHub Releases);
#                       https only, except plain http on a loopback address (tests).
#   VBUMP_INSTALL_DIR   where to put the binary (default: $RUNNER_TEMP/vbump in Actions, else a
#                       new private directory, never a fixed shared path another user could create).
#   GITHUB_ACTION_PATH  the action's own source, for the `cargo install` fallback.
#   VBUMP_SHA256SUMS    SHA256SUMS lines carried by action.yml itself: set only in the commit the
#                       release workflow makes for pinning (tag `pinned/vX.Y.Z`), so a pinned SHA pins
#                       the bytes too. When set, that release is downloaded and must match them.
#
# A download is verified against the release's SHA256SUMS (and VBUMP_SHA256SUMS when set) and
# refused on any mismatch: nothing is installed then. The binary's path is written as `path=` to
# $GITHUB_OUTPUT and printed last.
set -euo pipefail

readonly default_url="https://github.com/vbump/vbump/releases/download"
base_url="${VBUMP_DOWNLOAD_URL:-$default_url}"
base_url="${base_url%/}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
install_dir="${VBUMP_INSTALL_DIR:-}"

fail() {
  # One line for humans, one annotation for the workflow run's summary.
  echo "vbump install: error: $*" >&2
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    # Escaped so that a value in the message (an input) cannot start a workflow command of its own.
    local text="${*//%/%25}"
    text="${text//$'\r'/%0D}"
    echo "::error title=vbump install::${text//$'\n'/%0A}"
  fi
  exit 1
}
note() { echo "vbump install: $*" >&2; }

# Downloads land here first; nothing reaches the install dir before it is verified.
work=$(mktemp -d "${TMPDIR:-/tmp}/vbump-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$install_dir" ]; then
  if [ -n "${RUNNER_TEMP:-}" ]; then
    install_dir="$RUNNER_TEMP/vbump"
  else
    # mktemp makes it 0700 and fails if the name exists: nobody else can have prepared it.
    install_dir=$(mktemp -d "${TMPDIR:-/tmp}/vbump.XXXXXX") || fail "cannot create a private install directory"
  fi
fi

# Never fetch a binary over plain http from the network: only loopback (the tests' server) may.
# The host is the whole authority: `http://127.0.0.1:x@other-host/` is other-host (userinfo is
# refused outright), and every redirect must stay on https (GitHub sends assets to its CDN).
proto=(--proto-redir '=https' --max-redirs 5)
scheme="${base_url%%://*}"
authority="${base_url#*://}"
authority="${authority%%/*}"
case "$authority" in
  *@*) fail "refusing to download from '$base_url': a user name or password in the URL is not allowed" ;;
esac
host="${authority%:*}"
case "$authority" in \[*\]*) host="${authority%%]*}]" ;; esac
case "$scheme" in
  https) proto+=(--proto '=https') ;;
  http)
    case "$host" in
      127.0.0.1 | localhost | "[::1]") proto+=(--proto '=http') ;;
      *) fail "refusing to download from '$base_url': only https (or http on 127.0.0.1) is allowed" ;;
    esac
    ;;
  *) fail "refusing to download from '$base_url': only https (or http on 127.0.0.1) is allowed" ;;
esac

# The Rust target of this runner; the release workflow names its assets after it.
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os" in
  Linux) os=unknown-linux-musl ;;
  macOS | Darwin) os=apple-darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=pc-windows-msvc ;;
  *) os="" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64) arch=x86_64 ;;
  ARM64 | arm64 | aarch64) arch=aarch64 ;;
  *) arch="" ;;
esac
target=""
exe=""
if [ -n "$os" ] && [ -n "$arch" ]; then
  target="$arch-$os"
  if [ "$os" = pc-windows-msvc ]; then exe=".exe"; fi
  # The release builds Windows for x86_64 only.
  if [ "$target" = aarch64-pc-windows-msvc ]; then target=""; fi
fi

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

fetch() { # URL FILE: 0 when fetched, 1 when the server says it does not exist, fail otherwise.
  local status
  status=$(curl "${proto[@]}" --silent --show-error --location --retry 3 --retry-connrefused --retry-delay 1 --connect-timeout 10 \
    --max-time 120 --output "$2" --write-out '%{http_code}' "$1") || fail "cannot download $1"
  case "$status" in
    200) return 0 ;;
    404) rm -f "$2"; return 1 ;;
    *) rm -f "$2"; fail "downloading $1 answered HTTP $status" ;;
  esac
}

publish() { # BIN: tell the workflow (and the caller) where vbump is.
  "$1" --version >/dev/null || fail "the installed $1 does not run"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "path=$1" >>"$GITHUB_OUTPUT"; fi
  note "installed $("$1" --version) at $1"
  echo "$1"
}

# Downloads release TAG into the install dir; returns 1 when the release has no binary for us.
download() {
  local tag="$1" asset="vbump-$target$exe" tmp expected actual
  [ -n "$target" ] || return 1
  tmp="$work/$tag"
  mkdir -p "$tmp" || fail "cannot create $tmp"
  fetch "$base_url/$tag/SHA256SUMS" "$tmp/SHA256SUMS" || return 1
  fetch "$base_url/$tag/$asset" "$tmp/$asset" || return 1
  # `sha256sum` lines: HASH, two spaces (or space and `*` for binary mode), NAME.
  expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$tmp/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS of $tag lists no checksum for $asset: refusing to install it"
  actual=$(sha256_of "$tmp/$asset")
  if [ "$actual" != "$expected" ]; then
    fail "SHA-256 mismatch for $asset of $tag: expected $expected, got $actual; refusing to install it"
  fi
  if [ -n "${VBUMP_SHA256SUMS:-}" ]; then
    # The checksums the pinned action carries outrank whatever the release holds now.
    pinned=$(printf '%s\n' "$VBUMP_SHA256SUMS" | awk -v name="$asset" '$2 == name || $2 == "*" name { print tolower($1); exit }')
    [ -n "$pinned" ] || fail "the action's own checksums list none for $asset: refusing to install it"
    if [ "$actual" != "$pinned" ]; then
      fail "SHA-256 mismatch for $asset of $tag: the pinned action expects $pinned, got $actual; refusing to install it"
    fi
  fi
  # Called as `download || …`, where `set -e` is off: every step checks itself.
  mkdir -p "$install_dir" || fail "cannot create $install_dir"
  chmod 755 "$tmp/$asset" || fail "cannot make $asset executable"
  mv -f "$tmp/$asset" "$install_dir/vbump$exe" || fail "cannot move vbump into $install_dir"
  binary="$install_dir/vbump$exe"
}

build_from_source() {
  [ -f "$action_path/Cargo.toml" ] || fail "no prebuilt vbump for this ref and no source at '$action_path'"
  command -v "${CARGO:-cargo}" >/dev/null 2>&1 || fail "no prebuilt vbump for this ref, and cargo is not installed to build one"
  note "building vbump from $action_path (no prebuilt binary for ${VBUMP_ACTION_REF:-this ref} on ${target:-this platform})"
  "${CARGO:-cargo}" install --locked --quiet --path "$action_path" --root "$install_dir/source" >&2 \
    || fail "cargo install --locked --path $action_path failed"
  binary="$install_dir/source/bin/vbump$exe"
}

version_of_source() { # The `version` of [package] in the action's Cargo.toml.
  awk -F'"' '/^\[/ { in_package = ($0 == "[package]") } in_package && /^version *=/ { print $2; exit }' \
    "$action_path/Cargo.toml" 2>/dev/null || true
}

semver='^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
binary=""
requested="${VBUMP_VERSION:-}"
ref="${VBUMP_ACTION_REF:-}"
if [ -n "${VBUMP_SHA256SUMS:-}" ] && [ -z "$requested" ]; then
  # A pinned action commit: exactly the release whose checksums it carries, never a build.
  version=$(version_of_source)
  [ -n "$version" ] || fail "the action carries checksums but its Cargo.toml names no version"
  download "v$version" || fail "release v$version has no vbump binary for ${target:-this platform} at $base_url/v$version"
elif [ -n "$requested" ]; then
  # Asked for by name: it must exist; building something else instead would be a surprise.
  [[ "$requested" =~ $semver ]] || fail "vbump-version '$requested' is not a release version like 1.4.0"
  tag="v${requested#v}"
  download "$tag" || fail "release $tag has no vbump binary for ${target:-this platform} at $base_url/$tag"
elif [[ "$ref" =~ $semver ]]; then
  download "v${ref#v}" || build_from_source
elif [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then
  # Pinned by commit SHA (the safe way to use an action): use the release cut from this commit.
  version=$(version_of_source)
  if [ -n "$version" ] && fetch "$base_url/v$version/COMMIT" "$work/COMMIT" \
    && [ "$(tr -d '[:space:]' <"$work/COMMIT")" = "$ref" ] && download "v$version"; then
    :
  else
    build_from_source
  fi
else
  build_from_source
fi
publish "$binary"
