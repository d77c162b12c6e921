# Shared by bench/catalog.sh and bench/check.sh (sourced from the repository root): the release
# build they time, and the synthetic catalog they time it on.

# Builds vbump (release) and sets VBUMP to the binary.
build_vbump() {
    nice -n 10 cargo build --release --quiet
    VBUMP=$ROOT/target/release/vbump
}

# catalog_repo DIR PLUGINS COMMITS: the catalog of bench/gen_catalog.py in DIR, generated with
# `git fast-import` unless DIR holds it already.
catalog_repo() {
    local dir=$1 plugins=$2 commits=$3
    [[ -d $dir/.git ]] && return
    mkdir -p "$dir"
    git -C "$dir" init --quiet --initial-branch=main
    python3 bench/gen_catalog.py "$plugins" "$commits" | git -C "$dir" fast-import --quiet
    git -C "$dir" checkout --quiet main
    git -C "$dir" repack -a -d --quiet
}
