//! Shallow clones: `actions/checkout` fetches one commit and no tags, so the last release tag is
//! not reachable. With a remote, fetch the tags and deepen the history (doubling the depth) until
//! a release tag is reachable or the clone is complete; without one, say how to fix the checkout.

use crate::error::{Error, Result};
use crate::report::Reporter;
use crate::transaction::Git;

/// The first deepening step, in commits; each further step doubles it.
const FIRST_DEEPEN: u64 = 64;

/// Past this depth a full fetch is cheaper than more round trips.
const UNSHALLOW_AFTER: u64 = 1 << 14;

/// Makes sure a shallow clone's history holds every commit since the last release, or is complete.
/// `complete_since_release` is asked after each fetch (it must open the repository afresh:
/// libgit2 caches the shallow boundary). `git` carries the token for `remote` already.
pub(crate) fn ensure_history(
    git: &Git,
    remote: Option<&str>,
    complete_since_release: impl Fn() -> Result<bool>,
    reporter: &mut dyn Reporter,
) -> Result<()> {
    if !is_shallow(git)? || complete_since_release()? {
        return Ok(());
    }
    let Some(remote) = remote else {
        return Err(Error::input("this is a shallow clone without a remote, and no release tag is reachable from HEAD")
            .hint("clone the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    };
    reporter.note(&format!("shallow clone: fetching tags and deepening history from `{remote}`"));
    let mut depth = FIRST_DEEPEN;
    loop {
        let deepen =
            if depth > UNSHALLOW_AFTER { "--unshallow".to_string() } else { format!("--deepen={depth}") };
        git.run(&["fetch", "--quiet", "--tags", &deepen, "--", remote]).map_err(|e| {
            Error::input(format!("cannot deepen the shallow clone from `{remote}`: {}", e.message))
                .hint("clone the whole history: `fetch-depth: 0` for actions/checkout")
        })?;
        if !is_shallow(git)? || complete_since_release()? {
            reporter.note(&format!("history deepened (up to {depth} more commits)"));
            return Ok(());
        }
        depth *= 2;
    }
}

fn is_shallow(git: &Git) -> Result<bool> {
    Ok(git.run(&["rev-parse", "--is-shallow-repository"])? == "true")
}
