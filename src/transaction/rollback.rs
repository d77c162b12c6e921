//! Bringing a repository back to one of the two clean states: exactly as before the release
//! ([`undo`]), or fully released ([`complete`]). Both read only the journal and the repository, so
//! they serve a failed step in the running release and `vbump recover` after a crash alike.

use std::path::Path;

use super::files;
use super::git::Git;
use super::journal::{Journal, Store};
use crate::error::{Error, Result};

/// Undoes everything the release journaled, newest first: the local tag, the branch (only while
/// it still points at the release commit), the index entries and the files' bytes. Returns the
/// error to report: `cause` as a rolled-back error (exit 3), or an incomplete one (exit 4) naming
/// what remains and how to finish.
pub(crate) fn undo(git: &Git, root: &Path, store: &Store, journal: &Journal, cause: Error) -> Error {
    let remains = undo_steps(git, root, store, journal);
    if remains.is_empty() {
        if let Err(e) = store.finish() {
            return Error::incomplete(
                format!("{}; everything was undone but the journal could not be removed", cause.message),
                vec![format!("{} (remove it by hand: `rm -r {}`)", e.message, store.dir().display())],
            );
        }
        let hint = cause.hint.clone().unwrap_or_else(|| {
            "fix the cause git reported above, then run vbump again: nothing was changed".to_string()
        });
        Error::rolled_back(format!(
            "release {} failed and was rolled back, nothing changed: {}",
            journal.tag_list(),
            cause.message
        ))
        .hint(hint)
        .caused_by(cause.cause)
    } else {
        Error::incomplete(
            format!(
                "release {} failed ({}) and could not be fully rolled back",
                journal.tag_list(),
                cause.message
            ),
            remains,
        )
        .hint("finish with the commands above, or run `vbump recover` once the cause is fixed")
        .caused_by(cause.cause)
    }
}

/// The undo steps; returns what could not be undone or was left alone (empty when everything
/// this run did is undone).
///
/// Only what this journal's run did is undone, so a stale journal (the release finished elsewhere
/// and was pulled, or the journal came from another clone) destroys nothing: a tag only if it
/// points at the run's release commit; the branch only by compare-and-swap from that commit; the
/// index and the files only when the branch is back at the original commit, and a file only while
/// its bytes are still the ones the run wrote. Everything else is left alone and listed with its
/// exact state. Running it again after a partial undo does only what is still missing.
pub(crate) fn undo_steps(git: &Git, root: &Path, store: &Store, journal: &Journal) -> Vec<String> {
    let mut remains = Vec::new();
    let branch_ref = format!("refs/heads/{}", journal.branch);
    let release = release_commit(git, journal);

    for tag in &journal.tags {
        let tag_ref = format!("refs/tags/{tag}");
        let Some(points_at) = peeled(git, &tag_ref) else { continue };
        if release.as_deref() != Some(points_at.as_str()) {
            remains.push(format!(
                "tag `{tag}` points at {}, {}: left alone",
                short(&points_at),
                match &release {
                    Some(release) => format!("not at this run's release commit {}", short(release)),
                    None => "and this run made no release commit".to_string(),
                }
            ));
            continue;
        }
        if let Err(e) = git.run(&["update-ref", "-d", "--", &tag_ref]) {
            remains
                .push(format!("tag `{tag}` ({}); delete it: `git tag -d {tag}`", explain_lock(&e.message)));
        }
    }

    // Where the branch ends: back at the original commit (we may touch the index and files), or
    // somewhere this run did not put it (we must not).
    let tip = resolve(git, &branch_ref);
    let mut at_original = tip.as_deref() == Some(journal.original_head.as_str());
    match (&tip, release.as_ref().filter(|r| **r != journal.original_head)) {
        (Some(tip), Some(release)) if tip == release => {
            // Compare-and-swap: moves back only if it still points at the release commit.
            match git.run(&["update-ref", "--", &branch_ref, &journal.original_head, release]) {
                Ok(_) => at_original = true,
                Err(e) => remains.push(format!(
                    "branch `{}` points at the release commit {} ({}); reset it: `git update-ref {branch_ref} {} {release}`",
                    journal.branch,
                    short(release),
                    explain_lock(&e.message),
                    journal.original_head
                )),
            }
        }
        _ if at_original => {}
        // The run made no commit and the branch moved on (the user's own work): nothing of the
        // run is on it.
        (_, None) => {}
        (tip, Some(_)) => remains.push(format!(
            "branch `{}` is at {}, neither the commit the release started from ({}) nor this run's release commit: \
             left alone",
            journal.branch,
            tip.as_deref().map_or("nothing (it does not exist)", short),
            short(&journal.original_head)
        )),
    }
    if !at_original {
        // The work tree and the index now belong to another commit: no file is touched, and
        // those that differ from their originals are listed.
        for (index, file) in journal.files.iter().enumerate() {
            let current = std::fs::read(root.join(file)).ok();
            if store.original(index).ok() != current {
                remains.push(format!(
                    "`{}` differs from its original, but branch `{}` has moved: left alone; its original is entry {index} of `{}`",
                    file.display(),
                    journal.branch,
                    store.backup().display()
                ));
            }
        }
        return remains;
    }

    // The index may hold the release's versions of the files (the commit updated it): put back
    // the original entries of those that do, and only those.
    let staged: Vec<String> = match &release {
        Some(release) if *release != journal.original_head => journal
            .files
            .iter()
            .map(|f| f.to_string_lossy().into_owned())
            .filter(|f| resolve(git, &format!(":{f}")) == resolve(git, &format!("{release}:{f}")))
            .collect(),
        _ => Vec::new(),
    };
    if !staged.is_empty() {
        let mut args =
            vec!["reset".to_string(), "--quiet".into(), journal.original_head.clone(), "--".into()];
        args.extend(staged);
        if let Err(e) = git.run(&args) {
            remains.push(format!(
                "the index ({}); reset it: `git reset {}`",
                explain_lock(&e.message),
                args[3..].join(" ")
            ));
        }
    }

    for (index, file) in journal.files.iter().enumerate() {
        files::remove_leftover_temps(root, file);
        match restore(root, store, index, file) {
            Ok(None) => {}
            Ok(Some(left)) => remains.push(left),
            Err(e) => remains.push(format!(
                "`{}` holds the new version ({}); its original is entry {index} of `{}`, or `git checkout {} -- {}`",
                file.display(),
                e.message,
                store.backup().display(),
                journal.original_head,
                file.display()
            )),
        }
    }
    remains
}

/// Puts back file `index`'s original bytes if it holds exactly what the run wrote. `Ok(Some)`
/// describes a file left alone because someone changed it since.
fn restore(root: &Path, store: &Store, index: usize, file: &Path) -> Result<Option<String>> {
    let original = store.original(index)?;
    let current = std::fs::read(root.join(file)).ok();
    if current.as_deref() == Some(original.as_slice()) {
        return Ok(None);
    }
    match store.written(index)? {
        // A journal from before vbump recorded what it wrote: the old rule (restore).
        None => {}
        Some(written) if current.as_deref() == Some(written.as_slice()) => {}
        Some(_) => {
            return Ok(Some(format!(
                "`{}` was changed after the release wrote it: left alone; its original is entry {index} of `{}`",
                file.display(),
                store.backup().display()
            )));
        }
    }
    files::replace_file(root, file, &original).map(|()| None)
}

/// git's message, with what to do when it failed on a lock file vbump did not take (an
/// `index.lock` or ref lock left by a killed git process).
fn explain_lock(message: &str) -> String {
    let Some(lock) =
        message.split('\'').find(|part| part.ends_with(".lock") && !part.ends_with("vbump.lock"))
    else {
        return message.to_string();
    };
    format!(
        "{message}; vbump did not take `{lock}`: another git process holds it, or one was killed \
         while holding it; if no git process is running, remove it (`rm {lock}`) and run `vbump recover` again"
    )
}

/// Makes local match a release whose commit point passed: the branch at the release commit, every
/// tag present, the files as committed; then removes the journal.
pub(crate) fn complete(git: &Git, root: &Path, store: &Store, journal: &Journal) -> Result<()> {
    let release = release_commit(git, journal).ok_or_else(|| {
        Error::input("the journal records no release commit, so the release cannot be completed")
    })?;
    let release = release.as_str();
    let missing: Vec<String> = journal
        .tags
        .iter()
        .map(|tag| format!("refs/tags/{tag}"))
        .filter(|tag_ref| resolve(git, tag_ref).is_none())
        .map(|tag_ref| format!("+{tag_ref}:{tag_ref}"))
        .collect();
    if !missing.is_empty() {
        let remote = journal.remote.as_deref().unwrap_or("origin");
        let mut fetch = vec!["fetch", "--quiet", "--no-tags", "--", remote];
        fetch.extend(missing.iter().map(String::as_str));
        git.run(&fetch)?;
    }
    let branch_ref = format!("refs/heads/{}", journal.branch);
    match resolve(git, &branch_ref) {
        Some(tip) if tip == release => {}
        Some(tip) if tip == journal.original_head => {
            git.run(&["update-ref", "--", &branch_ref, release, &journal.original_head])?;
            if !journal.files.is_empty() {
                let mut args = vec!["checkout".to_string(), release.to_string(), "--".into()];
                args.extend(journal.files.iter().map(|f| f.to_string_lossy().into_owned()));
                git.run(&args)?;
            }
        }
        tip => {
            return Err(Error::incomplete(
                format!(
                    "release {} is pushed, but branch `{}` has moved to {} meanwhile",
                    journal.tag_list(),
                    journal.branch,
                    tip.as_deref().map_or("nothing", short)
                ),
                vec![format!(
                    "bring the branch up to date: `git pull --ff-only`, then `rm -r {}`",
                    store.dir().display()
                )],
            ));
        }
    }
    for file in &journal.files {
        files::remove_leftover_temps(root, file);
    }
    store.finish()
}

/// True when the release reached its commit point: the remote holds every tag at the release
/// commit (a push: the tags travel in one atomic push, so they arrive together or not at all), or
/// every local tag exists at it (a local release: the last tag made is the commit point).
pub(crate) fn commit_point_passed(git: &Git, journal: &Journal) -> Result<bool> {
    let Some(release) = release_commit(git, journal) else { return Ok(false) };
    let release = release.as_str();
    let tag_refs: Vec<String> = journal.tags.iter().map(|tag| format!("refs/tags/{tag}")).collect();
    match &journal.remote {
        None => Ok(tag_refs.iter().all(|tag_ref| peeled(git, tag_ref).as_deref() == Some(release))),
        Some(remote) => {
            let mut args = vec!["ls-remote".to_string(), "--".into(), remote.clone()];
            for tag_ref in &tag_refs {
                args.push(tag_ref.clone());
                args.push(format!("{tag_ref}^{{}}"));
            }
            let listed = git.run(&args).map_err(|e| {
                Error::input(format!(
                    "cannot ask `{remote}` whether release {} was pushed, so nothing was changed: {}",
                    journal.tag_list(),
                    e.message
                ))
                .hint("check the network and the token, then run `vbump recover` again")
            })?;
            // An annotated tag lists its object and, on a `^{}` line, the commit it peels to.
            let at_release = |tag_ref: &String| {
                listed.lines().any(|line| {
                    let mut fields = line.split_whitespace();
                    let (sha, name) = (fields.next(), fields.next().unwrap_or_default());
                    sha == Some(release) && name.trim_end_matches("^{}") == tag_ref
                })
            };
            Ok(tag_refs.iter().all(at_release))
        }
    }
}

/// The release commit: as journaled, or, when the process died between `git commit` and the
/// journal write (or a power cut lost that record), the branch tip if its parent is the original
/// commit and its message is the release message (so a commit the user made since is never taken
/// for it).
fn release_commit(git: &Git, journal: &Journal) -> Option<String> {
    if let Some(commit) = &journal.release_commit {
        return Some(commit.clone());
    }
    let tip = resolve(git, &format!("refs/heads/{}", journal.branch))?;
    let parent = resolve(git, &format!("{tip}^"))?;
    let message = git.run(&["log", "-1", "--format=%B", "--end-of-options", &tip]).ok()?;
    let ours = tip != journal.original_head
        && parent == journal.original_head
        && message.trim_end() == journal.message.trim_end();
    ours.then_some(tip)
}

/// The object a revision names, `None` when it names nothing.
pub(crate) fn resolve(git: &Git, rev: &str) -> Option<String> {
    git.run(&["rev-parse", "--verify", "--quiet", "--end-of-options", rev]).ok().filter(|s| !s.is_empty())
}

/// The commit a tag ref peels to.
fn peeled(git: &Git, tag_ref: &str) -> Option<String> {
    resolve(git, &format!("{tag_ref}^{{commit}}"))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
