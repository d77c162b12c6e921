//! Applying a release: every change a release makes to the work tree, the local refs and the
//! remote's branch and tags happens in here. (The release pull request's branch is pushed by
//! `release::release_pr`, which changes nothing local.)
//!
//! The caller hands over a narrow [`Tx`] (branch, head, edits, message, tags, mode), never the
//! plan. A release is one transaction with one commit point. Before anything changes, [`apply`] runs
//! the preflight checks (and the caller's [`Hooks::preflight`], where the GitHub strategy decides).
//! Then, each step recorded in the journal before it is attempted: write the files atomically,
//! commit, tag, and (with a remote) `git push --atomic` the branch and the tag together. The remote
//! accepting that push is the commit point; for a local release, creating the tags is. A failure
//! before it undoes everything ([`rollback::undo`], exit 3); nothing after it is undone, and
//! [`Hooks::after_commit_point`] runs the steps that follow (the GitHub Release).

pub(crate) mod failpoint;
pub(crate) mod files;
pub(crate) mod git;
pub(crate) mod journal;
pub(crate) mod lock;
pub(crate) mod recover;
pub(crate) mod rollback;
pub(crate) mod secret;

use std::path::Path;

pub(crate) use git::Git;
pub(crate) use secret::Secret;

use crate::edit::FileEdit;
use crate::error::{Cause, Error, Kind, Result};
use journal::{Journal, Step, Store};

/// A tag the release creates at the release commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagSpec {
    /// The tag's name (`v1.3.0`).
    pub(crate) name: String,
    /// The annotated tag's message (the tag name, then the release notes).
    pub(crate) message: String,
}

/// How far the release reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write, commit and tag in this repository only. Creating the last tag is the commit point.
    Local,
    /// Also `git push --atomic` the branch and every tag to `remote`; its acceptance is the commit
    /// point.
    Push { remote: String },
    /// Tag HEAD as it is: no files, no commit (a merged release pull request already made the
    /// release commit). With a remote only the tags are pushed; the branch must already be there.
    TagOnly { remote: Option<String> },
}

/// One release for the transaction to apply: what it needs and nothing else (not the plan).
#[derive(Debug, Clone)]
pub(crate) struct Tx<'a> {
    /// The work tree root.
    pub(crate) root: &'a Path,
    /// The `.git` directory, where the journal lives.
    pub(crate) git_dir: &'a Path,
    /// The branch being released (HEAD must be on it).
    pub(crate) branch: String,
    /// The commit the plan was made from; HEAD must still be there.
    pub(crate) head: String,
    /// The file edits the release commit holds (ignored in [`Mode::TagOnly`]).
    pub(crate) edits: &'a [FileEdit],
    /// The release commit's message.
    pub(crate) message: String,
    /// The tags to create, at least one. A multi-package release makes one per package.
    pub(crate) tags: Vec<TagSpec>,
    pub(crate) mode: Mode,
}

impl Tx<'_> {
    /// The file edits this release writes and commits (none when it only tags).
    fn files(&self) -> &[FileEdit] {
        if self.tag_only() { &[] } else { self.edits }
    }

    fn tag_only(&self) -> bool {
        matches!(self.mode, Mode::TagOnly { .. })
    }

    /// The remote pushed to, `None` for a local release.
    fn remote(&self) -> Option<&str> {
        match &self.mode {
            Mode::Local | Mode::TagOnly { remote: None } => None,
            Mode::Push { remote } | Mode::TagOnly { remote: Some(remote) } => Some(remote),
        }
    }
}

/// What a finished release made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    /// The tags created, in the order of [`Tx::tags`].
    pub(crate) tags: Vec<String>,
    /// The release commit.
    pub(crate) commit: String,
    /// True when the commit and tags were pushed.
    pub(crate) pushed: bool,
    /// Things the user should know that did not stop the release (a push reported as failed that
    /// had in fact arrived).
    pub(crate) warnings: Vec<String>,
}

/// Seams for the steps around the transaction (the GitHub Release plugs in here).
pub(crate) trait Hooks {
    /// Runs after vbump's own preflight checks, before anything changes. An error stops the
    /// release with nothing changed.
    fn preflight(&mut self, _tx: &Tx<'_>) -> Result<()> {
        Ok(())
    }

    /// Runs after the commit point. Nothing is undone if it fails; a re-run finishes the job.
    fn after_commit_point(&mut self, _applied: &Applied) -> Result<()> {
        Ok(())
    }
}

/// No extra steps: a plain git release.
#[cfg(test)]
pub(crate) struct NoHooks;

#[cfg(test)]
impl Hooks for NoHooks {}

/// Applies `tx`: fully released, or (error) exactly as before.
pub(crate) fn apply(git: &Git, tx: &Tx<'_>, hooks: &mut dyn Hooks) -> Result<Applied> {
    if tx.tags.is_empty() {
        return Err(Error::input("a release needs at least one tag"));
    }
    let store = Store::new(tx.git_dir);
    preflight(git, &store, tx)?;
    hooks.preflight(tx)?;

    let tags: Vec<String> = tx.tags.iter().map(|tag| tag.name.clone()).collect();
    let mut journal = Journal::new(&tx.branch, &tx.head, tags.clone());
    journal.files = tx.files().iter().map(|edit| edit.file.clone()).collect();
    journal.remote = tx.remote().map(str::to_string);
    journal.message = tx.message.clone();
    if tx.tag_only() {
        // HEAD is the release commit: undoing only ever deletes the tags.
        journal.release_commit = Some(tx.head.clone());
        journal.step = Step::Tagging;
    }
    let originals: Vec<&[u8]> = tx.files().iter().map(|edit| edit.before.as_slice()).collect();
    let written: Vec<&[u8]> = tx.files().iter().map(|edit| edit.after.as_slice()).collect();
    store.begin(&journal, &originals, &written)?;

    let mut warnings = Vec::new();
    let commit = match steps(git, &store, &mut journal, tx) {
        Ok(commit) => commit,
        Err(cause) if journal.step == Step::Pushing => {
            settle_failed_push(git, tx.root, &store, &journal, cause, &mut warnings)?
        }
        Err(cause) => return Err(rollback::undo(git, tx.root, &store, &journal, cause)),
    };
    // Past the commit point: nothing is undone any more.
    let boundary = if tx.remote().is_some() { "after-push" } else { "after-tag" };
    let finished = failpoint::hit(boundary).and_then(|()| store.finish());
    if let Err(e) = finished {
        return Err(Error::incomplete(
            format!(
                "release {} is done, but its journal could not be closed: {}",
                journal.tag_list(),
                e.message
            ),
            vec![format!("the journal `{}`", store.dir().display())],
        )
        .hint("run `vbump recover`: it sees the release and only tidies up"));
    }
    let applied = Applied { tags, commit, pushed: tx.remote().is_some(), warnings };
    hooks.after_commit_point(&applied)?;
    Ok(applied)
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
    warnings: &mut Vec<String>,
) -> Result<String> {
    match rollback::commit_point_passed(git, journal) {
        Ok(false) => Err(rollback::undo(git, root, store, journal, cause)),
        Ok(true) => {
            warnings.push(format!(
                "git reported a failure ({}), but `{}` has release {}: the release stands",
                cause.message.lines().next().unwrap_or_default(),
                journal.remote.as_deref().unwrap_or("the remote"),
                journal.tag_list()
            ));
            rollback::complete(git, root, store, journal)
                .map_err(|e| completion_failed(store, journal, e))?;
            journal.release_commit.clone().ok_or_else(|| {
                completion_failed(store, journal, Error::input("the journal lost the release commit"))
            })
        }
        Err(unknown) => Err(Error::incomplete(
            format!(
                "the push of release {} failed ({}) and `{}` cannot be asked whether it arrived ({})",
                journal.tag_list(),
                cause.message,
                journal.remote.as_deref().unwrap_or("the remote"),
                unknown.message
            ),
            vec![
                format!("the release commit and tags `{}` exist locally", journal.tag_list()),
                format!("the journal `{}`", store.dir().display()),
            ],
        )
        .hint("run `vbump recover` once the remote is reachable: it completes or undoes the release")),
    }
}

/// A failure while bringing local up to a release whose commit point passed. The release stands,
/// so this is never "nothing changed" (exit 2): it is exit 4, naming what is left.
pub(crate) fn completion_failed(store: &Store, journal: &Journal, e: Error) -> Error {
    if e.kind == Kind::Incomplete {
        return e;
    }
    Error::incomplete(
        format!(
            "release {} stands, but the local repository could not be brought up to it: {}",
            journal.tag_list(),
            e.message
        ),
        vec![
            format!(
                "local branch `{}` and tags `{}` may lag the release",
                journal.branch,
                journal.tag_list()
            ),
            format!("the journal `{}`", store.dir().display()),
        ],
    )
    .hint("run `vbump recover` once the cause is fixed: it sees the release and brings local up to it")
}

/// [`local_problems`] of `tx`, for a plan that is not applied yet.
pub(crate) fn problems_here(git: &Git, tx: &Tx<'_>) -> Result<Vec<Error>> {
    // The journal is not looked at here: `release::guard`, which every command runs first, warns
    // about an unfinished one (and stops a writing command).
    local_problems(git, None, tx)
}

/// The checks that must pass before anything changes: every problem at once, as one error
/// (exit 2).
fn preflight(git: &Git, store: &Store, tx: &Tx<'_>) -> Result<()> {
    let mut problems = local_problems(git, Some(store), tx)?;
    if problems.is_empty()
        && let Some(remote) = tx.remote()
    {
        let tags: Vec<&str> = tx.tags.iter().map(|tag| tag.name.as_str()).collect();
        let head = git.run(&["rev-parse", "HEAD"])?;
        problems.extend(check_remote(git, remote, &tx.branch, &head, &tags).err());
    }
    match Error::all(problems) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The problems in this repository that would stop `tx` (the remote is not asked): an
/// unfinished release's journal, HEAD moved since planning, uncommitted changes in the files the
/// release writes, and tags that exist already. `vbump plan` reports them too.
fn local_problems(git: &Git, store: Option<&Store>, tx: &Tx<'_>) -> Result<Vec<Error>> {
    let mut problems = Vec::new();
    if let Some(store) = store
        && let Some(journal) = store.load()?
    {
        problems.push(journal::unfinished(store.dir()).hint(format!(
            "a release of {} did not finish: run `vbump recover` to finish or undo it, then run vbump again",
            journal.tag_list()
        )));
    }
    let head = git.run(&["rev-parse", "HEAD"])?;
    if head != tx.head {
        problems.push(
            Error::input(format!("HEAD moved to {head} while vbump was planning from {}", tx.head))
                .hint("run vbump again"),
        );
    }
    problems.extend(check_clean(git, tx.root, tx.files()).err());
    for tag in &tx.tags {
        let tag = &tag.name;
        if rollback::resolve(git, &format!("refs/tags/{tag}")).is_some() {
            problems.push(crate::plan::tag_exists(tag));
        }
    }
    Ok(problems)
}

/// Every file a release writes (version files, the changelog), on either route: a plain file
/// inside the work tree, not behind a symbolic link, without uncommitted changes (the release
/// would publish them, or overwrite them). Exit 2 naming the file.
pub(crate) fn check_clean(git: &Git, root: &Path, edits: &[FileEdit]) -> Result<()> {
    for edit in edits {
        files::check_writable(root, &edit.file)?;
    }
    if edits.is_empty() {
        return Ok(());
    }
    let mut args = vec!["status".to_string(), "--porcelain".into(), "--".into()];
    args.extend(edits.iter().map(|edit| edit.file.to_string_lossy().into_owned()));
    let dirty = git.run(&args)?;
    if !dirty.is_empty() {
        let files: Vec<&str> = dirty.lines().map(|line| line.get(3..).unwrap_or(line)).collect();
        return Err(Error::input(format!(
            "files the release writes have uncommitted changes: {}",
            files.join(", ")
        ))
        .hint("commit or stash them (`git stash`), then run vbump again"));
    }
    Ok(())
}

/// With a push: `remote`'s `branch` must be at `head` and must have none of `tags` yet. One
/// `git ls-remote`; every error is exit 2 (nothing has changed).
pub(crate) fn check_remote(git: &Git, remote: &str, branch: &str, head: &str, tags: &[&str]) -> Result<()> {
    let branch_ref = format!("refs/heads/{branch}");
    let mut args = vec!["ls-remote".to_string(), "--".into(), remote.to_string(), branch_ref.clone()];
    args.extend(tags.iter().map(|tag| format!("refs/tags/{tag}")));
    let listed = git.run(&args).map_err(|e| {
        Error::input(format!("cannot read remote `{remote}`: {}", e.message))
            .hint("check the remote's URL (`git remote -v`), the network and the token's permissions")
    })?;
    let mut remote_head = None;
    for line in listed.lines() {
        let Some((sha, name)) = line.split_once('\t') else { continue };
        if name == branch_ref {
            remote_head = Some(sha.to_string());
        } else if let Some(tag) = name.strip_prefix("refs/tags/").filter(|tag| tags.contains(tag)) {
            return Err(Error::input(format!("tag `{tag}` exists already on `{remote}`")).hint(format!(
                "fetch it (`git fetch {remote} tag {tag}`) and look: another run may have released this version"
            )));
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
fn steps(git: &Git, store: &Store, journal: &mut Journal, tx: &Tx<'_>) -> Result<String> {
    failpoint::hit("journal-written")?;
    let sha = if tx.tag_only() { tx.head.clone() } else { commit(git, store, journal, tx)? };

    for (i, tag) in tx.tags.iter().enumerate() {
        if i > 0 {
            // Several packages: a crash here leaves some of the release's tags and not others.
            failpoint::hit(&format!("between-tags-{}", i - 1))?;
        }
        git.run_with_input(
            &["tag", "--annotate", "--cleanup=verbatim", "--file=-", "--", &tag.name, &sha],
            Some(tag.message.as_bytes()),
        )?;
    }
    // Without a remote, creating the tags was the commit point.
    let Some(remote) = tx.remote() else { return Ok(sha) };
    failpoint::hit("after-tag")?;

    advance(store, journal, Step::Pushing)?;
    failpoint::hit("before-push")?;
    let branch_ref = format!("refs/heads/{}", journal.branch);
    let mut push_args =
        vec!["push".to_string(), "--atomic".into(), "--porcelain".into(), "--".into(), remote.to_string()];
    if !tx.tag_only() {
        push_args.push(format!("{sha}:{branch_ref}"));
    }
    push_args.extend(tx.tags.iter().map(|tag| format!("refs/tags/{0}:refs/tags/{0}", tag.name)));
    let out = git.output(&push_args, None)?;
    if !out.success {
        return Err(push_rejected(remote, &out));
    }
    // Simulates a push whose reply was lost after the remote accepted it.
    failpoint::hit("push-reply-lost")?;
    // Keep the remote-tracking branch in step, as a plain `git push` would.
    let tracking = format!("refs/remotes/{remote}/{}", journal.branch);
    let _ = git.run(&["update-ref", "--", &tracking, &sha]);
    Ok(sha)
}

/// Writes the files and makes the release commit; returns it.
fn commit(git: &Git, store: &Store, journal: &mut Journal, tx: &Tx<'_>) -> Result<String> {
    files::write_atomically(tx.root, tx.files())?;

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
    git.run_with_input(&commit, Some(tx.message.as_bytes()))?;
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
    // The one place that reads the remote's words; callers decide on the typed cause.
    let protected = text.contains("GH006") || text.contains("GH013") || text.contains("protected branch");
    let hint = if protected {
        "the branch is protected: let vbump open a release pull request (`strategy = \"pr\"`), \
         or use a token allowed to bypass the protection"
    } else if text.contains("non-fast-forward") || text.contains("fetch first") || text.contains("stale info")
    {
        "the remote branch moved while vbump ran (another merge or release): run vbump again on the new head"
    } else {
        "check the token's permissions (`contents: write`) and the remote's rules, then run vbump again"
    };
    Error::rolled_back(format!("`{remote}` rejected the push:\n{text}"))
        .hint(hint)
        .caused_by(Some(Cause::PushRejected { protected }))
}

#[cfg(test)]
mod tests;
