//! Where each package's count starts, and whether a shallow clone holds every commit since then.
//!
//! A package counts the commits since its last release tag. A package that has never been tagged
//! counts, as a single-package repository does, from the commit that last changed its version
//! (the commits before it made that version); one with no version anywhere counts from the commit
//! that created its folder (no commit before it can change the package's files). So a package
//! that is never released never asks for more history than its own: a shallow clone is deepened
//! until every package's start is in it, not until the whole history is.

use std::collections::HashSet;
use std::path::Path;

use git2::{Oid, Repository};

use super::{Package, Packages};
use crate::edit::VersionFiles;
use crate::error::Result;
use crate::history;

/// The start of an untagged package's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Start {
    /// The commit the count starts after; `None`: the whole history.
    pub(crate) after: Option<Oid>,
    /// False when a shallow clone's boundary cut the search short: the start may lie further back.
    pub(crate) certain: bool,
}

/// Where `package`, which has no release tag HEAD contains, starts counting. `boundary` is the
/// shallow clone's boundary (empty for a complete clone).
pub(crate) fn untagged(
    repo: &Repository,
    root: &Path,
    head: Oid,
    package: &Package,
    boundary: &HashSet<Oid>,
) -> Result<Start> {
    let files = VersionFiles::read(root, &package.locations)?;
    let paths = files.paths();
    if !paths.is_empty() {
        let changed = history::last_version_change(repo, head, &paths, |contents| files.values_in(contents))?;
        return Ok(Start { after: changed, certain: changed.is_none_or(|c| !boundary.contains(&c)) });
    }
    created(repo, head, package.filter.path(), boundary)
}

/// The first parent of the newest commit on HEAD's first-parent line that created `folder`
/// (its parent has no such folder): the count of a package with no version starts after it.
fn created(repo: &Repository, head: Oid, folder: &str, boundary: &HashSet<Oid>) -> Result<Start> {
    let whole = |certain| Ok(Start { after: None, certain });
    if folder.is_empty() {
        // The root package: its folder is as old as the repository.
        return whole(boundary.is_empty());
    }
    let has = |commit: &git2::Commit<'_>| -> Result<bool> {
        Ok(commit.tree()?.get_path(Path::new(folder)).is_ok())
    };
    let mut commit = repo.find_commit(head)?;
    if !has(&commit)? {
        return whole(boundary.is_empty());
    }
    loop {
        // A shallow clone's boundary has no parent here: the folder may be older than it.
        let Ok(parent) = commit.parent(0) else { return whole(!boundary.contains(&commit.id())) };
        if !has(&parent)? {
            return Ok(Start { after: Some(parent.id()), certain: true });
        }
        commit = parent;
    }
}

/// True when a shallow clone holds every commit each package counts (open the repository afresh:
/// libgit2 keeps the boundary it read at open time): each package's last release tag is reachable
/// (or, untagged, its start is certain), and no commit of the clone's boundary lies in any
/// package's range. A package's highest tag that a complete range does not reach sits on another
/// branch; the package then counts from the highest tag HEAD does contain, as the plan does.
pub(crate) fn complete_since_releases(repo: &Repository, root: &Path, packages: &Packages) -> Result<bool> {
    let head = history::head(repo)?.commit;
    let boundary = history::shallow_boundary(repo)?;
    let schemes: Vec<_> = packages.list.iter().map(|p| &p.tag).collect();
    let tags = history::release_tags_of(repo, &schemes)?;
    // Per package: how many of its tags (highest first) were found not to be in HEAD's history.
    let mut passed = vec![0usize; packages.list.len()];
    let mut starts: Vec<Option<Oid>> = Vec::with_capacity(packages.list.len());
    for (package, tags) in packages.list.iter().zip(&tags) {
        match tags.first() {
            Some(tag) => starts.push(Some(tag.commit)),
            None => {
                let start = untagged(repo, root, head, package, &boundary)?;
                if !start.certain {
                    return Ok(false);
                }
                starts.push(start.after);
            }
        }
    }
    loop {
        let mut cut = vec![false; starts.len()];
        let reached = history::walk_ranges(repo, head, &starts, |commit| {
            if boundary.contains(&commit.oid) {
                for (k, cut) in cut.iter_mut().enumerate() {
                    *cut |= commit.in_range(k);
                }
            }
            Ok(())
        })?;
        if cut.iter().any(|cut| *cut) {
            return Ok(false);
        }
        // Every range is whole: a tag it did not reach is not in HEAD's history; try the next one.
        let mut again = false;
        for (i, reached) in reached.iter().enumerate() {
            if *reached || passed[i] >= tags[i].len() {
                continue;
            }
            passed[i] += 1;
            starts[i] = match tags[i].get(passed[i]) {
                Some(tag) => Some(tag.commit),
                None => {
                    let start = untagged(repo, root, head, &packages.list[i], &boundary)?;
                    if !start.certain {
                        return Ok(false);
                    }
                    start.after
                }
            };
            again = true;
        }
        if !again {
            return Ok(true);
        }
    }
}
