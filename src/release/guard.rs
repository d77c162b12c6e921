//! Before any command runs: one writer at a time, and no release over an interrupted one.
//!
//! Writing commands take the repository's lock ([`crate::transaction::lock`]) before anything is
//! read and hold it until they return; an unfinished release journal stops them, and makes the
//! reading commands warn.

use crate::error::Result;
use crate::report::Reporter;
use crate::transaction::journal::{self, Store};
use crate::transaction::lock::{Lock, Stale};
use crate::workspace::Target;

/// What a command may do to the repository, for [`guard`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads the repository and its history (`plan`, `next`, `check`, `release --dry-run`).
    Read,
    /// Writes files, refs or the journal (`release`, `set`); the name is the command's.
    Write(&'static str),
    /// `recover`: writes, and is what clears an interrupted run (and its stale lock).
    Recover,
    /// Neither reads a release nor writes one (`lint`, `init`).
    Other,
}

/// Before a command runs. A writing command takes the repository's lock (exit 2 when another
/// vbump holds it, or left it behind when it was killed) and stops with exit 2 while an
/// interrupted release's journal is unfinished, even when it would have nothing to do; `recover`
/// takes over a stale lock; reading commands warn about the journal. Returns the lock to hold
/// until the command returns. Outside a repository nothing is checked: the command says so itself.
pub(crate) fn guard(target: &Target, access: Access, reporter: &mut dyn Reporter) -> Result<Option<Lock>> {
    if access == Access::Other {
        return Ok(None);
    }
    let Ok(repo) = git2::Repository::discover(&target.dir) else { return Ok(None) };
    let journal = Store::new(repo.path());
    let lock = match access {
        Access::Other => return Ok(None),
        Access::Read => {
            if journal.exists() {
                reporter.warn(&format!(
                    "an interrupted release left its journal in `{}`: no release can run until `vbump recover` has finished or undone it",
                    journal.dir().display()
                ));
            }
            return Ok(None);
        }
        Access::Write(command) => Lock::acquire(repo.commondir(), command, Stale::Refuse)?,
        Access::Recover => Lock::acquire(repo.commondir(), "recover", Stale::TakeOver)?,
    };
    if let Some(owner) = &lock.took_over {
        reporter.warn(&format!(
            "took over the stale lock `{}` of `vbump {}` (pid {}), which was killed",
            lock.path().display(),
            owner.command,
            owner.pid
        ));
    }
    if matches!(access, Access::Write(_)) && journal.exists() {
        return Err(journal::unfinished(&journal.dir().join("journal.json")).hint(
            "run `vbump recover`: it finishes or undoes the interrupted release; then run vbump again",
        ));
    }
    Ok(Some(lock))
}
