//! Who the release commit and tag are made by when git config names nobody.

use crate::error::Result;
use crate::transaction::Git;

/// When git config names nobody, commits are made as `GITHUB_ACTOR` (in Actions) or `vbump[bot]`.
pub(crate) fn default_identity(git: &mut Git) -> Result<()> {
    // One process for both keys; `--get-regexp` fails (exit 1) when neither is set.
    let out = git.output(&["config", "--get-regexp", r"^user\.(name|email)$"], None)?;
    let keys: Vec<&str> = out.stdout.lines().filter_map(|line| line.split_whitespace().next()).collect();
    if keys.contains(&"user.name") && keys.contains(&"user.email") {
        return Ok(());
    }
    let actor = std::env::var("GITHUB_ACTOR").ok().filter(|a| !a.is_empty());
    let name = actor.unwrap_or_else(|| "vbump[bot]".to_string());
    let email = format!("{name}@users.noreply.github.com");
    git.default_identity(name, email);
    Ok(())
}
