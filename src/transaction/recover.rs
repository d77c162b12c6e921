//! `vbump recover`: after a crash, finish or undo the release the journal describes.
//!
//! The remote decides: if it holds the release tag at the release commit, the commit point passed
//! and local is brought up to the release; otherwise everything local is undone. Running it again,
//! or with no journal, changes nothing.

use std::path::Path;

use super::git::Git;
use super::journal::Store;
use super::rollback;
use crate::error::{Error, Result};

/// What recovery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recovered {
    /// No journal: nothing was interrupted.
    Nothing,
    /// No journal, but an interrupted run's backups and temp files, now removed.
    Tidied,
    /// The release had passed its commit point; local now matches it.
    Completed { tags: Vec<String> },
    /// The release had not passed its commit point; everything local was undone.
    RolledBack { tags: Vec<String> },
}

/// Reads the journal in `git_dir` and brings the repository at `root` to a clean state.
pub(crate) fn recover(git: &Git, root: &Path, git_dir: &Path) -> Result<Recovered> {
    let store = Store::new(git_dir);
    let Some(journal) = store.load()? else {
        // A run killed while it removed its journal leaves backups and temp files behind.
        return Ok(if store.remove_leftovers() { Recovered::Tidied } else { Recovered::Nothing });
    };
    // A journal from another repository names commits this one does not have.
    if rollback::resolve(git, &format!("{}^{{commit}}", journal.original_head)).is_none() {
        return Err(Error::input(format!(
            "the release journal names commit {} as the one its release started from, and this repository \
             does not have it: the journal was not written here; nothing was changed",
            journal.original_head
        ))
        .hint(format!("if no release is under way here, remove it: `rm -r {}`", store.dir().display())));
    }
    if rollback::commit_point_passed(git, &journal)? {
        rollback::complete(git, root, &store, &journal)
            .map_err(|e| super::completion_failed(&store, &journal, e))?;
        return Ok(Recovered::Completed { tags: journal.tags });
    }
    let remains = rollback::undo_steps(git, root, &store, &journal);
    if !remains.is_empty() {
        return Err(Error::incomplete(
            format!("the interrupted release {} could not be fully undone", journal.tag_list()),
            remains,
        )
        .hint(format!(
            "what is listed above was left as it is; finish with the commands given, then run `vbump recover` \
             again; once nothing of this run remains, or you have checked what is left, the journal goes \
             with `rm -r {}`",
            store.dir().display()
        )));
    }
    store.finish()?;
    Ok(Recovered::RolledBack { tags: journal.tags })
}
