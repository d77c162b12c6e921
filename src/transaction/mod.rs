//! Applying a plan: the effectful half of vbump. Every write vbump makes happens in here.
//!
//! A release is one transaction with one commit point. Before anything changes, [`apply`] runs
//! the preflight checks (and the caller's [`Hooks::preflight`], where the GitHub strategy decides).
//! Then, each step recorded in the journal before it is attempted: write the files atomically,
//! commit, tag, and (with a remote) `git push --atomic` the branch and the tag together. The remote
//! accepting that push is the commit point; for a local release, creating the tag is. A failure
//! before it undoes everything ([`rollback::undo`], exit 3); nothing after it is undone, and
//! [`Hooks::after_commit_point`] runs the steps that follow (the GitHub Release).

pub mod failpoint;
pub mod files;
pub mod git;
pub mod journal;
pub mod recover;
pub mod rollback;
pub mod secret;
pub mod shallow;

use std::path::Path;

pub use git::Git;
pub use secret::Secret;

use crate::edit::FileEdit;
use crate::error::{Error, Kind, Result};
use crate::plan::Plan;
use journal::{Journal, Step, Store};

/// Where a release is pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// The remote's name (`origin`).
    pub remote: String,
}

/// Everything the transaction needs besides git itself.
#[derive(Debug, Clone)]
pub struct Release<'a> {
    /// The work tree root.
    pub root: &'a Path,
    /// The `.git` directory, where the journal lives.
    pub git_dir: &'a Path,
    pub plan: &'a Plan,
    /// The release commit's message.
    pub message: String,
    /// The annotated tag's message (the release notes).
    pub tag_message: String,
    /// `None` for a local release.
    pub push: Option<Push>,
    /// Tag HEAD as it is: no files, no commit (a merged release pull request already made the
    /// release commit). With a remote only the tag is pushed; the branch must already be there.
    pub tag_only: bool,
}

impl Release<'_> {
    /// The file edits this release writes and commits (none when it only tags).
    fn files(&self) -> &[FileEdit] {
        if self.tag_only { &[] } else { &self.plan.files }
    }
}

/// What a finished release made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub version: String,
    pub tag: String,
    /// The release commit.
    pub commit: String,
    /// True when the commit and tag were pushed.
    pub pushed: bool,
}

/// Seams for the steps around the transaction (the GitHub strategy plugs in here).
pub trait Hooks {
    /// Runs after vbump's own preflight checks, before anything changes. An error stops the
    /// release with nothing changed.
    fn preflight(&mut self, _release: &Release<'_>) -> Result<()> {
        Ok(())
    }

    /// Runs after the commit point. Nothing is undone if it fails; a re-run finishes the job.
    fn after_commit_point(&mut self, _released: &Released) -> Result<()> {
        Ok(())
    }
}

/// No extra steps: a plain git release.
pub struct NoHooks;

impl Hooks for NoHooks {}

/// Applies `release.plan`: fully released, or (error) exactly as before.
pub fn apply(git: &Git, release: &Release<'_>, hooks: &mut dyn Hooks) -> Result<Released> {
    let plan = release.plan;
    let (Some(next), Some(tag)) = (&plan.next, &plan.tag) else {
        return Err(Error::input("there is nothing to release"));
    };
    let store = Store::new(release.git_dir);
    let branch = preflight(git, &store, release, tag)?;
    hooks.preflight(release)?;

    let mut journal = Journal::new(&branch, &plan.head, &next.to_string(), tag);
    journal.files = release.files().iter().map(|edit| edit.file.clone()).collect();
    journal.remote = release.push.as_ref().map(|push| push.remote.clone());
    journal.message = release.message.clone();
    if release.tag_only {
        // HEAD is the release commit: undoing only ever deletes the tag.
        journal.release_commit = Some(plan.head.clone());
        journal.step = Step::Tagging;
    }
    let originals: Vec<&[u8]> = release.files().iter().map(|edit| edit.before.as_slice()).collect();
    store.begin(&journal, &originals)?;

    let commit = match steps(git, &store, &mut journal, release) {
        Ok(commit) => commit,
        Err(cause) if journal.step == Step::Pushing => {
            settle_failed_push(git, release.root, &store, &journal, cause)?
        }
        Err(cause) => return Err(rollback::undo(git, release.root, &store, &journal, cause)),
    };
    // Past the commit point: nothing is undone any more.
    let boundary = if release.push.is_some() { "after-push" } else { "after-tag" };
    let finished = failpoint::hit(boundary).and_then(|()| store.finish());
    if let Err(e) = finished {
        return Err(Error::incomplete(
            format!("release {tag} is done, but its journal could not be closed: {}", e.message),
            vec![format!("the journal `{}`", store.dir().display())],
        )
        .hint("run `vbump recover`: it sees the release and only tidies up"));
    }
    let released =
        Released { version: next.to_string(), tag: tag.clone(), commit, pushed: release.push.is_some() };
    hooks.after_commit_point(&released)?;
    Ok(released)
}

/// A failed push is ambiguous: the remote may have accepted it and the reply been lost (a dropped
/// connection). The remote decides: if it holds the tag at the release commit, the commit point
/// passed and the release stands; if not, everything is undone; if it cannot be asked, nothing is
/// touched and `vbump recover` settles it later. Returns the release commit when it stands.
fn settle_failed_push(
    git: &Git,
    root: &Path,
    store: &Store,
    journal: &Journal,
    cause: Error,
) -> Result<String> {
    match rollback::commit_point_passed(git, journal) {
        Ok(false) => Err(rollback::undo(git, root, store, journal, cause)),
        Ok(true) => {
            eprintln!(
                "vbump: warning: git reported a failure ({}), but `{}` has release {}: the release stands",
                cause.message.lines().next().unwrap_or_default(),
                journal.remote.as_deref().unwrap_or("the remote"),
                journal.tag
            );
            rollback::complete(git, root, store, journal)
                .map_err(|e| completion_failed(store, journal, e))?;
            journal.release_commit.clone().ok_or_else(|| {
                completion_failed(store, journal, Error::input("the journal lost the release commit"))
            })
        }
        Err(unknown) => Err(Error::incomplete(
            format!(
                "the push of release {} failed ({}) and `{}` cannot be asked whether it arrived ({})",
                journal.tag,
                cause.message,
                journal.remote.as_deref().unwrap_or("the remote"),
                unknown.message
            ),
            vec![
                format!("the release commit and tag `{}` exist locally", journal.tag),
                format!("the journal `{}`", store.dir().display()),
            ],
        )
        .hint("run `vbump recover` once the remote is reachable: it completes or undoes the release")),
    }
}

/// A failure while bringing local up to a release whose commit point passed. The release stands,
/// so this is never "nothing changed" (exit 2): it is exit 4, naming what is left.
fn completion_failed(store: &Store, journal: &Journal, e: Error) -> Error {
    if e.kind == Kind::Incomplete {
        return e;
    }
    Error::incomplete(
        format!(
            "release {} stands, but the local repository could not be brought up to it: {}",
            journal.tag, e.message
        ),
        vec![
            format!("local branch `{}` and tag `{}` may lag the release", journal.branch, journal.tag),
            format!("the journal `{}`", store.dir().display()),
        ],
    )
    .hint("run `vbump recover` once the cause is fixed: it sees the release and brings local up to it")
}

/// The checks that must pass before anything changes; returns the branch. All errors are exit 2.
fn preflight(git: &Git, store: &Store, release: &Release<'_>, tag: &str) -> Result<String> {
    let plan = release.plan;
    let branch = plan.branch.clone().ok_or_else(|| {
        Error::input("HEAD is detached, so there is no branch to release").hint(
            "check out the branch to release (with actions/checkout, run on `push`, not on `pull_request`)",
        )
    })?;
    if let Some(journal) = store.load()? {
        return Err(journal::unfinished(store.dir()).hint(format!(
            "a release of {} did not finish: run `vbump recover` to finish or undo it, then run vbump again",
            journal.tag
        )));
    }
    let head = git.run(&["rev-parse", "HEAD"])?;
    if head != plan.head {
        return Err(Error::input(format!(
            "HEAD moved to {head} while vbump was planning from {}",
            plan.head
        ))
        .hint("run vbump again"));
    }
    if !release.files().is_empty() {
        let mut args = vec!["status".to_string(), "--porcelain".into(), "--".into()];
        args.extend(release.files().iter().map(|edit| edit.file.to_string_lossy().into_owned()));
        let dirty = git.run(&args)?;
        if !dirty.is_empty() {
            let files: Vec<&str> = dirty.lines().map(|line| line.get(3..).unwrap_or(line)).collect();
            return Err(Error::input(format!(
                "files the release writes have uncommitted changes: {}",
                files.join(", ")
            ))
            .hint("commit or stash them (`git stash`), then run vbump again"));
        }
    }
    let tag_ref = format!("refs/tags/{tag}");
    if rollback::resolve(git, &tag_ref).is_some() {
        return Err(Error::input(format!("tag `{tag}` exists already")).hint(format!(
            "inspect it with `git show {tag}`; delete it if it is a leftover: `git tag -d {tag}`"
        )));
    }
    if let Some(push) = &release.push {
        check_remote(git, &push.remote, &branch, &head, tag)?;
    }
    Ok(branch)
}

/// With a push: `remote`'s `branch` must be at `head` and must not have `tag` yet. One
/// `git ls-remote`; every error is exit 2 (nothing has changed).
pub fn check_remote(git: &Git, remote: &str, branch: &str, head: &str, tag: &str) -> Result<()> {
    let branch_ref = format!("refs/heads/{branch}");
    let tag_ref = format!("refs/tags/{tag}");
    let listed = git.run(&["ls-remote", remote, &branch_ref, &tag_ref]).map_err(|e| {
        Error::input(format!("cannot read remote `{remote}`: {}", e.message))
            .hint("check the remote's URL (`git remote -v`), the network and the token's permissions")
    })?;
    let mut remote_head = None;
    for line in listed.lines() {
        match line.split_once('\t') {
            Some((sha, name)) if name == branch_ref => remote_head = Some(sha.to_string()),
            Some((_, name)) if name == tag_ref => {
                return Err(Error::input(format!("tag `{tag}` exists already on `{remote}`")).hint(format!(
                    "fetch it (`git fetch {remote} tag {tag}`) and look: another run may have released this version"
                )));
            }
            _ => {}
        }
    }
    match remote_head {
        Some(sha) if sha == head => Ok(()),
        Some(sha) => Err(Error::input(format!("`{remote}/{branch}` is at {sha}, but HEAD is at {head}"))
            .hint(format!(
                "release from the remote's head: `git pull --ff-only {remote} {branch}`, then run vbump again"
            ))),
        None => Err(Error::input(format!("remote `{remote}` has no branch `{branch}`"))
            .hint(format!("push the branch first: `git push {remote} {branch}`"))),
    }
}

/// The steps up to and including the commit point; returns the release commit.
fn steps(git: &Git, store: &Store, journal: &mut Journal, release: &Release<'_>) -> Result<String> {
    failpoint::hit("journal-written")?;
    let sha =
        if release.tag_only { release.plan.head.clone() } else { commit(git, store, journal, release)? };

    let tag = journal.tag.clone();
    git.run_with_input(
        &["tag", "--annotate", "--cleanup=verbatim", "--file=-", &tag, &sha],
        Some(release.tag_message.as_bytes()),
    )?;
    // Without a remote, creating the tag was the commit point.
    let Some(push) = &release.push else { return Ok(sha) };
    failpoint::hit("after-tag")?;

    advance(store, journal, Step::Pushing)?;
    failpoint::hit("before-push")?;
    let branch_ref = format!("refs/heads/{}", journal.branch);
    let tag_ref = format!("refs/tags/{tag}");
    let mut push_args =
        vec!["push".to_string(), "--atomic".into(), "--porcelain".into(), push.remote.clone()];
    if !release.tag_only {
        push_args.push(format!("{sha}:{branch_ref}"));
    }
    push_args.push(format!("{tag_ref}:{tag_ref}"));
    let out = git.output(&push_args, None)?;
    if !out.success {
        return Err(push_rejected(&push.remote, &out));
    }
    // Simulates a push whose reply was lost after the remote accepted it.
    failpoint::hit("push-reply-lost")?;
    // Keep the remote-tracking branch in step, as a plain `git push` would.
    let tracking = format!("refs/remotes/{}/{}", push.remote, journal.branch);
    let _ = git.run(&["update-ref", &tracking, &sha]);
    Ok(sha)
}

/// Writes the files and makes the release commit; returns it.
fn commit(git: &Git, store: &Store, journal: &mut Journal, release: &Release<'_>) -> Result<String> {
    files::write_atomically(release.root, release.files())?;

    advance(store, journal, Step::Committing)?;
    failpoint::hit("before-commit")?;
    let mut commit = vec![
        // Housekeeping is the user's business, not the release's: `git maintenance run --auto`
        // after a commit would add a process and tens of milliseconds to every release.
        "-c".to_string(),
        "maintenance.auto=false".into(),
        "-c".into(),
        "gc.auto=0".into(),
        "commit".into(),
        "--quiet".into(),
        // The release commit is exactly the plan: hooks must not add to it or veto it.
        "--no-verify".into(),
        "--allow-empty".into(),
        "--only".into(),
        "--cleanup=verbatim".into(),
        "--file=-".into(),
        "--".into(),
    ];
    commit.extend(journal.files.iter().map(|f| f.to_string_lossy().into_owned()));
    git.run_with_input(&commit, Some(release.message.as_bytes()))?;
    let sha = git.run(&["rev-parse", "HEAD"])?;
    journal.release_commit = Some(sha.clone());
    advance(store, journal, Step::Tagging)?;
    failpoint::hit("after-commit")?;
    Ok(sha)
}

/// Records the next step durably before it is attempted.
fn advance(store: &Store, journal: &mut Journal, step: Step) -> Result<()> {
    journal.step = step;
    store.record(journal)
}

/// The error for a push the remote refused: the remote's own words, and what to do about them.
fn push_rejected(remote: &str, out: &git::Output) -> Error {
    let said: Vec<&str> = out
        .stderr
        .lines()
        .chain(out.stdout.lines())
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && *line != "Done")
        .collect();
    let text = said.join("\n");
    let hint = if text.contains("GH006") || text.contains("GH013") || text.contains("protected branch") {
        "the branch is protected: let vbump open a release pull request (`strategy = \"pr\"`), \
         or use a token allowed to bypass the protection"
    } else if text.contains("non-fast-forward") || text.contains("fetch first") || text.contains("stale info")
    {
        "the remote branch moved while vbump ran (another merge or release): run vbump again on the new head"
    } else {
        "check the token's permissions (`contents: write`) and the remote's rules, then run vbump again"
    };
    Error::rolled_back(format!("`{remote}` rejected the push:\n{text}")).hint(hint)
}

#[cfg(test)]
mod tests;
