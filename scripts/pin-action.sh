#!/usr/bin/env bash
# Makes the commit users pin the action by: vbump's release commit with the release's checksums
# written into action.yml, so that the pinned SHA pins the binary's bytes as well as the action's
# code (scripts/install.sh installs only a binary listed there). Run by the release workflow after
# the assets are attached to the draft release and before it is published (RUNBOOK.md, "Pinning
# the action").
#
#   scripts/pin-action.sh RELEASE_COMMIT TAG SHA256SUMS_FILE [REMOTE]
#
# The commit's only parent is RELEASE_COMMIT, and it changes only action.yml's `VBUMP_SHA256SUMS`
# (empty in the release commit, as on main). It is tagged `pinned/TAG` and the tag is pushed to
# REMOTE (default origin); nothing else is pushed and no branch moves. The binaries do not embed
# action.yml, so they are the same whichever of the two commits they are built from. Prints the
# pinned commit's SHA last.
#
# Run it in a clone that has RELEASE_COMMIT. A token for the push comes from git's own
# configuration or from the environment (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`),
# never from the command line.
set -euo pipefail

fail() {
  echo "pin-action: error: $*" >&2
  exit 1
}

[ $# -ge 3 ] && [ $# -le 4 ] || fail "usage: pin-action.sh RELEASE_COMMIT TAG SHA256SUMS_FILE [REMOTE]"
release_commit="$1"
tag="$2"
sums_file="$3"
remote="${4:-origin}"

[[ "$release_commit" =~ ^[0-9a-f]{40}$ ]] || fail "'$release_commit' is not a full commit SHA"
[[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || fail "'$tag' is not a release tag like v1.4.0"
[ -s "$sums_file" ] || fail "'$sums_file' is missing or empty"
# Every line exactly as sha256sum writes it: nothing else can reach action.yml.
while IFS= read -r line; do
  [[ "$line" =~ ^[0-9a-f]{64}\ [\ *][A-Za-z0-9._-]+$ ]] || fail "'$sums_file' has a line that is not a sha256sum line: '$line'"
done <"$sums_file"
git cat-file -e "$release_commit^{commit}" 2>/dev/null || fail "this clone does not have $release_commit"

action=$(git show "$release_commit:action.yml") || fail "$release_commit has no action.yml"
placeholder='        VBUMP_SHA256SUMS: ""'
[ "$(grep -cxF "$placeholder" <<<"$action")" = 1 ] \
  || fail "action.yml of $release_commit does not hold exactly one empty VBUMP_SHA256SUMS"

# The placeholder becomes a block scalar with the checksum lines, indented under it.
pinned_action=$(
  while IFS= read -r line; do
    if [ "$line" = "$placeholder" ]; then
      echo '        VBUMP_SHA256SUMS: |'
      sed 's/^/          /' "$sums_file"
    else
      printf '%s\n' "$line"
    fi
  done <<<"$action"
)

# The commit is built in the object database alone: no work tree, index or branch changes.
blob=$(printf '%s\n' "$pinned_action" | git hash-object -w --stdin)
index=$(mktemp)
trap 'rm -f "$index"' EXIT
GIT_INDEX_FILE="$index" git read-tree "$release_commit"
GIT_INDEX_FILE="$index" git update-index --cacheinfo "100644,$blob,action.yml"
tree=$(GIT_INDEX_FILE="$index" git write-tree)
message="ci(release): pin $tag's checksums in action.yml

The commit to pin vbump/vbump by for $tag: the release commit $release_commit
with the SHA256SUMS of the release's assets in action.yml, so the pinned SHA
pins the installed binary's bytes too."
commit=$(printf '%s\n' "$message" | git commit-tree "$tree" -p "$release_commit")
git tag --annotate --message="$tag, pinned: action.yml carries its checksums" -- "pinned/$tag" "$commit"
git push --quiet -- "$remote" "refs/tags/pinned/$tag:refs/tags/pinned/$tag"
echo "$commit"
