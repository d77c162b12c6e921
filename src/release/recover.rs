//! `vbump recover`: after a crash, finish or undo the release its journal describes.

use crate::actions::Actions;
use crate::error::Result;
use crate::transaction::journal::Store;
pub(crate) use crate::transaction::recover::Recovered;
use crate::transaction::recover::recover as recover_journal;
use crate::transaction::{Git, Secret};
use crate::vcs::{identity, remote};
use crate::workspace::{Target, Workspace};

/// What `vbump recover` was asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecoverRequest {
    pub(crate) target: Target,
    /// `--remote`: overrides the remote the journal names.
    pub(crate) remote: Option<String>,
    /// The environment variable holding the token for git.
    pub(crate) token_env: String,
}

/// Brings the repository to a clean state: the interrupted release finished, or undone.
pub(crate) fn recover(request: &RecoverRequest) -> Result<Recovered> {
    let token = Secret::from_env(&request.token_env);
    if let Some(token) = &token {
        Actions::from_env().mask(token);
    }
    let workspace = Workspace::open(&request.target)?;
    let git_dir = workspace.git_dir();
    let mut git = Git::new(&workspace.root);
    identity::default_identity(&mut git)?;
    // The journal names the remote the release was pushing to; `--remote` overrides it.
    let journaled = Store::new(git_dir).load()?.and_then(|journal| journal.remote);
    if let Some(name) = request.remote.clone().or(journaled) {
        remote::authenticate(&mut git, &name, token.as_ref());
    }
    recover_journal(&git, &workspace.root, git_dir)
}
