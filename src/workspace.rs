//! A repository opened for a command: the git repository, its work tree root and its settings.
//!
//! Every command that reads a repository starts here; the command line only says where
//! ([`Target`]), it never opens a repository itself.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::history;
use crate::tags::TagScheme;

/// Where the user pointed vbump: `-C DIR` and `--config FILE`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Target {
    /// The directory vbump runs in (`-C`, default `.`).
    pub(crate) dir: PathBuf,
    /// `--config FILE`, when given.
    pub(crate) config: Option<PathBuf>,
}

/// A repository opened for a command.
pub(crate) struct Workspace {
    pub(crate) repo: git2::Repository,
    /// The work tree root.
    pub(crate) root: PathBuf,
    pub(crate) config: Config,
}

impl Workspace {
    /// Opens the repository containing `target.dir` and loads its settings.
    pub(crate) fn open(target: &Target) -> Result<Workspace> {
        let dir = &target.dir;
        let repo = git2::Repository::discover(dir).map_err(|e| {
            Error::input(format!("`{}` is not inside a git repository ({})", dir.display(), e.message()))
                .hint("run vbump inside a git work tree, or pass one with `-C DIR`")
        })?;
        let root = repo
            .workdir()
            .ok_or_else(|| {
                Error::input(format!("`{}` is a bare repository", dir.display()))
                    .hint("vbump edits version files, so it needs a repository with a work tree")
            })?
            .to_path_buf();
        let config = Config::discover(&root, target.config.as_deref())?;
        Ok(Workspace { repo, root, config })
    }

    /// The repository's own git directory (in a linked worktree, the worktree's), where the
    /// release journal lives.
    pub(crate) fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The branch HEAD is on, `None` when detached or unborn.
    pub(crate) fn branch(&self) -> Option<String> {
        history::head(&self.repo).ok().and_then(|head| head.branch)
    }

    /// Every commit of the revision range `A..B`, oldest first.
    pub(crate) fn range_commits(&self, range: &str) -> Result<Vec<history::RangeCommit>> {
        history::range_commits(&self.repo, range)
    }

    /// The prefix of the highest semver tag HEAD contains, when it is not the configured one: the
    /// prefix this repository's releases already use (`vbump init` writes it). `None` without
    /// commits or tags.
    pub(crate) fn tag_prefix_in_use(&self) -> Result<Option<String>> {
        let Ok(head) = history::head(&self.repo) else { return Ok(None) };
        let prefixes = history::reachable_prefixes(&self.repo, head.commit)?;
        Ok(prefixes.into_iter().next().map(|p| p.prefix).filter(|prefix| *prefix != self.config.tag_prefix))
    }

    /// The highest release tag reachable from HEAD, as (name, version); `None` without commits.
    pub(crate) fn last_release(&self) -> Result<Option<(String, semver::Version)>> {
        let scheme = TagScheme::prefixed(&self.config.tag_prefix);
        Ok(self.last_releases(&[&scheme])?.pop().flatten())
    }

    /// For each tag scheme (a package's), its highest release tag reachable from HEAD, as (name,
    /// version); `None` without one or without commits. The tags are listed once for all.
    pub(crate) fn last_releases(
        &self,
        schemes: &[&TagScheme],
    ) -> Result<Vec<Option<(String, semver::Version)>>> {
        self.last_releases_in(&history::TagList::read(&self.repo)?, schemes)
    }

    /// Like [`Workspace::last_releases`], with the tags listed already.
    pub(crate) fn last_releases_in(
        &self,
        tags: &history::TagList,
        schemes: &[&TagScheme],
    ) -> Result<Vec<Option<(String, semver::Version)>>> {
        let head = match history::head(&self.repo) {
            Ok(head) => head,
            // No commit yet: there can be no release either.
            Err(_) if self.repo.head().is_err() => return Ok(vec![None; schemes.len()]),
            Err(e) => return Err(e),
        };
        let mut last = Vec::with_capacity(schemes.len());
        let mut ancestry = history::Ancestry::new(&self.repo, head.commit)?;
        for tags in tags.release_tags(schemes) {
            let tag = if schemes.len() == 1 {
                history::last_release(&self.repo, head.commit, &tags)?
            } else {
                ancestry.last_release(&tags)?
            };
            last.push(tag.map(|tag| (tag.name.clone(), tag.version.clone())));
        }
        Ok(last)
    }
}

/// The settings of the repository around `target.dir` when there is one, else the defaults: a
/// `commit-msg` hook runs inside a repository, but `vbump lint --message` must work anywhere.
pub(crate) fn config_near(target: &Target) -> Result<Config> {
    if let Some(explicit) = &target.config {
        return Config::discover(&target.dir, Some(explicit));
    }
    match git2::Repository::discover(&target.dir).ok().and_then(|r| r.workdir().map(Path::to_path_buf)) {
        Some(root) => Config::discover(&root, None),
        None => Ok(Config::default()),
    }
}
