//! Shallow clones: `actions/checkout` fetches one commit and no tags, so the last release tag is
//! not reachable. With a remote, fetch the tags and deepen the history (doubling the depth) until
//! a release tag is reachable or the clone is complete; without one, say how to fix the checkout.

use std::path::Path;

use super::git::Git;
use super::secret::Secret;
use crate::error::{Error, Result};

/// The first deepening step, in commits; each further step doubles it.
const FIRST_DEEPEN: u64 = 64;

/// Past this depth a full fetch is cheaper than more round trips.
const UNSHALLOW_AFTER: u64 = 1 << 14;

/// Makes sure the history of the repository at `root` reaches a release tag, or is complete.
/// `tag_is_reachable` is asked after each fetch (open the repository afresh in it: libgit2 caches
/// the shallow boundary). Fetches authenticate with `token` when the remote's URL allows it.
pub fn ensure_history(
    root: &Path,
    remote: Option<&str>,
    token: Option<&Secret>,
    tag_is_reachable: impl Fn() -> Result<bool>,
) -> Result<()> {
    let mut git = Git::new(root);
    if let Some(remote) = remote
        && let Ok(url) = git.run(&["remote", "get-url", remote])
    {
        git.authenticate(&url, token);
    }
    ensure_history_with(&git, remote, tag_is_reachable)
}

/// [`ensure_history`] with a ready [`Git`] (already carrying the token). Progress goes to stderr.
pub fn ensure_history_with(
    git: &Git,
    remote: Option<&str>,
    tag_is_reachable: impl Fn() -> Result<bool>,
) -> Result<()> {
    if !is_shallow(git)? || tag_is_reachable()? {
        return Ok(());
    }
    let Some(remote) = remote else {
        return Err(Error::input("this is a shallow clone without a remote, and no release tag is reachable from HEAD")
            .hint("clone the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    };
    eprintln!("vbump: shallow clone: fetching tags and deepening history from `{remote}`");
    let mut depth = FIRST_DEEPEN;
    loop {
        let deepen =
            if depth > UNSHALLOW_AFTER { "--unshallow".to_string() } else { format!("--deepen={depth}") };
        git.run(&["fetch", "--quiet", "--tags", &deepen, remote]).map_err(|e| {
            Error::input(format!("cannot deepen the shallow clone from `{remote}`: {}", e.message))
                .hint("clone the whole history: `fetch-depth: 0` for actions/checkout")
        })?;
        if !is_shallow(git)? || tag_is_reachable()? {
            eprintln!("vbump: history deepened (up to {depth} more commits)");
            return Ok(());
        }
        depth *= 2;
    }
}

fn is_shallow(git: &Git) -> Result<bool> {
    Ok(git.run(&["rev-parse", "--is-shallow-repository"])? == "true")
}
