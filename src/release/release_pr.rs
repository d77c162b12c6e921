//! The release pull request: the release commit, built from the plan on top of HEAD in the object
//! database only (no work tree file, no local ref changes), force-pushed to the release branch,
//! and the one pull request from it opened or brought up to date.

use std::path::Path;

use crate::error::{Error, Result};
use crate::forge::PrAction;
use crate::plan::Plan;
use crate::transaction;

use super::github::GitHubSteps;
use super::outcome::{self, PullRequest};
use super::prepare::Session;

/// Pushes the release commit to the release branch and opens or updates the release PR.
pub(crate) fn open(session: &Session, github: &GitHubSteps, plan: &Plan) -> Result<PullRequest> {
    let (Some(client), Some(branch)) = (github.client(), plan.branch.as_deref()) else {
        return Err(Error::input("a release pull request needs GitHub and a branch")
            .hint("run on a branch with `--push` and GITHUB_REPOSITORY set"));
    };
    let package = plan.package();
    let next = package.next.as_ref().expect("a release plan has a next release");
    let (git, remote) = (&session.git, session.remote.as_str());
    // The same remote check as the push transaction: the PR builds on the remote's head.
    let tags: Vec<&str> = plan.releases().map(|next| next.tag.as_str()).collect();
    transaction::check_remote(git, remote, branch, &plan.head, &tags)?;
    // Like the push route: no uncommitted edit may ride along in the release, no link be followed.
    transaction::check_clean(git, &session.workspace.root, &plan.files)?;
    let title = session.workspace.config.release_message(&next.version);
    let tree = release_tree(&session.workspace.repo, git, &plan.head, &plan.files)?;
    let commit =
        git.run_with_input(&["commit-tree", &tree, "-p", &plan.head, "-F", "-"], Some(title.as_bytes()))?;
    let release_branch = &github.release_branch;
    let target = format!("{commit}:refs/heads/{release_branch}");
    let out = git.output(&["push", "--force", "--porcelain", "--", remote, &target], None)?;
    if !out.success {
        return Err(Error::rolled_back(format!(
            "`{remote}` rejected the release branch `{release_branch}`:\n{}",
            out.stderr.trim()
        ))
        .hint("nothing changed locally; check the token's `contents: write` permission and rules on `vbump/*` branches"));
    }
    let notes = package.notes.as_deref().unwrap_or_default();
    let body = format!(
        "{notes}\n---\nMerging this pull request releases it: vbump tags the merged commit and publishes the GitHub Release.\n"
    );
    let pr = client.open_or_update_pr(release_branch, branch, &title, &body)?;
    Ok(outcome::pull_request(plan, pr.number, pr.url, pr.action == PrAction::Opened))
}

/// The tree of `head` with `edits` applied, written to the object database only (the release PR's
/// commit, and what a landed release commit must hold, `landed`).
/// Each blob is made as `git add` would make it (`git hash-object -w --path`): clean filters and
/// `eol`/`text` attributes apply, so a CRLF work tree of an `eol=crlf` file stores LF as usual.
pub(super) fn release_tree(
    repo: &git2::Repository,
    git: &crate::transaction::Git,
    head: &str,
    edits: &[crate::edit::FileEdit],
) -> Result<String> {
    let head = repo.find_commit(git2::Oid::from_str(head)?)?;
    let mut index = git2::Index::new()?;
    index.read_tree(&head.tree()?)?;
    for edit in edits {
        let path = edit.file.to_string_lossy().replace('\\', "/");
        let blob = git.run_with_input(
            &["hash-object", "-w", "--stdin", &format!("--path={path}")],
            Some(&edit.after),
        )?;
        let blob = git2::Oid::from_str(&blob)?;
        let mode = index.get_path(Path::new(&path), 0).map_or(0o100644, |e| e.mode);
        let flags = path.len().min(0xfff) as u16;
        index.add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            file_size: edit.after.len() as u32,
            id: blob,
            flags,
            flags_extended: 0,
            path: path.into_bytes(),
        })?;
    }
    Ok(index.write_tree_to(repo)?.to_string())
}
