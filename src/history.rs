//! Reading history with git2: release tags, the last release reachable from HEAD, and the commits
//! since it. Nothing here writes to the repository.

use git2::{Oid, Repository, Sort};
use semver::Version;

use crate::error::{Error, Result};

/// A tag whose name is the prefix followed by a semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTag {
    pub name: String,
    pub version: Version,
    /// The commit the tag points at (annotated tags are peeled).
    pub commit: Oid,
}

/// Where HEAD is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub commit: Oid,
    /// The branch HEAD is on, `None` when detached.
    pub branch: Option<String>,
}

/// HEAD's commit and branch. An unborn branch (no commit yet) is an error.
pub fn head(repo: &Repository) -> Result<Head> {
    let reference = repo.head().map_err(|e| {
        if e.code() == git2::ErrorCode::UnbornBranch {
            Error::input("the repository has no commits yet").hint("commit something, then run vbump")
        } else {
            Error::input(format!("cannot read HEAD: {}", e.message()))
        }
    })?;
    let commit = reference.peel_to_commit()?.id();
    let branch = if reference.is_branch() { reference.shorthand().ok().map(str::to_string) } else { None };
    Ok(Head { commit, branch })
}

/// Every tag named `prefix` + semver, peeled to its commit, highest version first.
/// Other tags (`latest`, `v1.0`, `nightly`, another prefix) are not release tags and are skipped.
pub fn release_tags(repo: &Repository, prefix: &str) -> Result<Vec<ReleaseTag>> {
    let mut tags = Vec::new();
    for reference in repo.references_glob("refs/tags/*")? {
        let reference = reference?;
        let Ok(name) = reference.shorthand() else { continue };
        let Some(version) = name.strip_prefix(prefix).and_then(|rest| Version::parse(rest).ok()) else {
            continue;
        };
        // A tag of a tree or a blob is no release.
        let Ok(commit) = reference.peel_to_commit() else { continue };
        tags.push(ReleaseTag { name: name.to_string(), version, commit: commit.id() });
    }
    // Highest precedence first; build metadata breaks ties deterministically.
    tags.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| b.name.cmp(&a.name)));
    Ok(tags)
}

/// The highest of `tags` (sorted highest first) whose commit HEAD contains.
pub fn last_release<'t>(
    repo: &Repository,
    head: Oid,
    tags: &'t [ReleaseTag],
) -> Result<Option<&'t ReleaseTag>> {
    for tag in tags {
        if tag.commit == head || repo.graph_descendant_of(head, tag.commit)? {
            return Ok(Some(tag));
        }
    }
    Ok(None)
}

/// Calls `visit(sha, message)` for each commit reachable from `head` and not from `since`, newest
/// first, one at a time: nothing is collected, so memory stays flat however long the history.
pub fn walk_since(
    repo: &Repository,
    head: Oid,
    since: Option<Oid>,
    mut visit: impl FnMut(Oid, &str) -> Result<()>,
) -> Result<()> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TIME)?;
    walk.push(head)?;
    if let Some(since) = since {
        walk.hide(since)?;
    }
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let message = String::from_utf8_lossy(commit.message_bytes());
        visit(oid, &message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository built with git2 alone (the integration tests use the git CLI).
    struct Repo {
        _dir: tempfile::TempDir,
        repo: Repository,
    }

    impl Repo {
        fn new() -> Repo {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            Repo { _dir: dir, repo }
        }

        fn commit(&self, message: &str) -> Oid {
            let sig = git2::Signature::new("T", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
            let tree = self.repo.find_tree(self.repo.index().unwrap().write_tree().unwrap()).unwrap();
            let parents: Vec<_> =
                self.repo.head().ok().map(|h| h.peel_to_commit().unwrap()).into_iter().collect();
            let parents: Vec<_> = parents.iter().collect();
            self.repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
        }

        fn tag(&self, name: &str, at: Oid) {
            let object = self.repo.find_object(at, None).unwrap();
            self.repo.tag_lightweight(name, &object, false).unwrap();
        }
    }

    #[test]
    fn tags_are_ordered_by_semver_precedence_not_by_name() {
        let r = Repo::new();
        let c = r.commit("one");
        for name in ["v0.9.0", "v0.10.0", "v0.10.0-rc.1", "v1.0", "latest", "x1.0.0", "v0.2.0"] {
            r.tag(name, c);
        }
        let names: Vec<_> = release_tags(&r.repo, "v").unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["v0.10.0", "v0.10.0-rc.1", "v0.9.0", "v0.2.0"]);
    }

    #[test]
    fn an_empty_prefix_reads_bare_versions() {
        let r = Repo::new();
        let c = r.commit("one");
        r.tag("1.2.3", c);
        r.tag("v9.9.9", c);
        let names: Vec<_> = release_tags(&r.repo, "").unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["1.2.3"]);
    }

    #[test]
    fn walk_stops_at_the_release_and_goes_newest_first() {
        let r = Repo::new();
        r.commit("feat: before");
        let released = r.commit("chore(release): v1.0.0");
        r.commit("fix: a");
        let head = r.commit("feat: b");
        let mut seen = Vec::new();
        walk_since(&r.repo, head, Some(released), |_, m| {
            seen.push(m.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["feat: b", "fix: a"]);
    }

    #[test]
    fn unborn_head_is_an_input_error() {
        let r = Repo::new();
        let e = head(&r.repo).unwrap_err();
        assert_eq!(e.message, "the repository has no commits yet");
        assert_eq!(e.exit_code(), 2);
    }
}
