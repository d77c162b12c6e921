//! The remote a command talks to and the credentials git uses for it: one place for both, so a
//! push, a shallow deepen and `vbump recover` authenticate the same way.

use crate::transaction::{Git, Secret};

/// `explicit` (`--remote`), else the branch's upstream remote, else `origin`. (Read with git2: the
/// key lives in the repository's own config, and reading it needs no process.)
pub(crate) fn name(repo: &git2::Repository, explicit: Option<&str>, branch: Option<&str>) -> String {
    if let Some(name) = explicit {
        return name.to_string();
    }
    branch
        .and_then(|b| repo.config().ok()?.get_string(&format!("branch.{b}.remote")).ok())
        .filter(|r| !r.is_empty() && r != ".")
        .unwrap_or_else(|| "origin".to_string())
}

/// Hands `git` the token for `remote`'s fetch URL and, when it differs, its push URL
/// (`remote.<name>.pushurl`). Returns the fetch URL, `None` when there is no such remote.
pub(crate) fn authenticate(git: &mut Git, remote: &str, token: Option<&Secret>) -> Option<String> {
    let url = git.run(&["remote", "get-url", "--", remote]).ok()?;
    git.authenticate(&url, token);
    if let Ok(push_url) = git.run(&["remote", "get-url", "--push", "--", remote])
        && push_url != url
    {
        git.authenticate(&push_url, token);
    }
    Some(url)
}
