//! `vbump recover`: finish or undo a release that was interrupted, using its journal.

use super::actions::Actions;
use super::{Context, RecoverArgs};
use crate::error::Result;
use crate::transaction::journal::Store;
use crate::transaction::recover::{Recovered, recover};
use crate::transaction::{Git, Secret};

/// Runs `vbump recover`: exit 0 when the repository is clean afterwards.
pub fn run(ctx: &Context, args: &RecoverArgs) -> Result<i32> {
    let token = Secret::from_env(&args.token_env);
    if let Some(token) = &token {
        Actions::from_env().mask(token);
    }
    let workspace = ctx.workspace()?;
    let git_dir = workspace.repo.path().to_path_buf();
    let mut git = Git::new(&workspace.root);
    super::release::set_identity(&mut git)?;
    // The journal names the remote the release was pushing to; `--remote` overrides it.
    let journaled = Store::new(&git_dir).load()?.and_then(|journal| journal.remote);
    if let Some(remote) = args.remote.clone().or(journaled)
        && let Ok(url) = git.run(&["remote", "get-url", &remote])
    {
        git.authenticate(&url, token.as_ref());
    }
    match recover(&git, &workspace.root, &git_dir)? {
        Recovered::Nothing => println!("nothing to recover: no release was interrupted"),
        Recovered::Completed { tag } => {
            println!("recovered: release {tag} had reached the remote; the local repository now matches it")
        }
        Recovered::RolledBack { tag } => {
            println!("recovered: release {tag} had not reached the remote; everything local is undone")
        }
    }
    Ok(0)
}
