//! Reading history with git2: release tags, the last release reachable from HEAD, and the commits
//! since it. Nothing here writes to the repository.

use git2::{Oid, Repository};
use semver::Version;

use crate::error::{Error, Result};
use crate::tags::TagScheme;

pub(crate) use walk::Commit;

/// A tag whose name is the prefix followed by a semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReleaseTag {
    pub name: String,
    pub version: Version,
    /// The commit the tag points at (annotated tags are peeled).
    pub commit: Oid,
}

/// Where HEAD is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub commit: Oid,
    /// The branch HEAD is on, `None` when detached.
    pub branch: Option<String>,
}

/// HEAD's commit and branch. An unborn branch (no commit yet) is an error.
pub(crate) fn head(repo: &Repository) -> Result<Head> {
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
pub(crate) fn release_tags(repo: &Repository, prefix: &str) -> Result<Vec<ReleaseTag>> {
    let scheme = TagScheme::prefixed(prefix);
    Ok(release_tags_of(repo, &[&scheme])?.pop().unwrap_or_default())
}

/// Every tag of a repository, listed once: its name (`plugins/dev/v2.7.0`), release or not, and
/// the commit it names (`None` for a tag of a tree or a blob, which is no release).
#[derive(Debug, Clone, Default)]
pub(crate) struct TagList {
    tags: Vec<(String, Option<Oid>)>,
}

impl TagList {
    /// Lists the tags in one pass over the refs (`Repository::tag_names` reads each loose tag's
    /// file twice, which is most of what listing 600 tags costs).
    pub(crate) fn read(repo: &Repository) -> Result<TagList> {
        let mut tags = Vec::new();
        for reference in repo.references_glob("refs/tags/*")? {
            let reference = reference?;
            let Ok(name) = reference.shorthand() else { continue };
            tags.push((name.to_string(), peeled_commit(repo, &reference).ok()));
        }
        Ok(TagList { tags })
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(|(name, _)| name.as_str())
    }

    /// The release tags of each scheme (one list per scheme, highest version first): a catalog
    /// of 300 packages reads its tags once, not 300 times.
    pub(crate) fn release_tags(&self, schemes: &[&TagScheme]) -> Vec<Vec<ReleaseTag>> {
        let mut tags = vec![Vec::new(); schemes.len()];
        for (name, commit) in &self.tags {
            let Some(commit) = *commit else { continue };
            for (i, scheme) in schemes.iter().enumerate() {
                if let Some(version) = scheme.parse(name) {
                    tags[i].push(ReleaseTag { name: name.clone(), version, commit });
                }
            }
        }
        for list in &mut tags {
            // Highest precedence first; build metadata breaks ties deterministically.
            list.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| b.name.cmp(&a.name)));
        }
        tags
    }
}

/// The release tags of each scheme (one list per scheme, highest version first).
pub(crate) fn release_tags_of(repo: &Repository, schemes: &[&TagScheme]) -> Result<Vec<Vec<ReleaseTag>>> {
    Ok(TagList::read(repo)?.release_tags(schemes))
}

/// The commit a tag names (through an annotated tag), from the target its listing read: peeling
/// the reference would read it again.
fn peeled_commit(repo: &Repository, reference: &git2::Reference<'_>) -> Result<Oid> {
    let Some(target) = reference.target() else { return Ok(reference.peel_to_commit()?.id()) };
    Ok(repo.find_object(target, None)?.peel_to_commit()?.id())
}

/// The highest of `tags` (sorted highest first) whose commit HEAD contains.
pub(crate) fn last_release<'t>(
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

/// Answers "does HEAD contain this commit?" for many commits in one walk from HEAD, each commit of
/// its history read at most once. A catalog asks for 300 packages' tags, and 300
/// `graph_descendant_of` calls read the same commits 300 times (half of `vbump check`'s time on the
/// benchmark catalog was zlib). The price: a commit HEAD does not contain walks the rest of HEAD's
/// history, once for all questions, where `graph_descendant_of` stops at the merge base; so the
/// single-package path keeps [`last_release`].
pub(crate) struct Ancestry<'r> {
    head: Oid,
    walk: git2::Revwalk<'r>,
    seen: std::collections::HashSet<Oid>,
    exhausted: bool,
}

impl<'r> Ancestry<'r> {
    pub(crate) fn new(repo: &'r Repository, head: Oid) -> Result<Ancestry<'r>> {
        let mut walk = repo.revwalk()?;
        walk.push(head)?;
        Ok(Ancestry { head, walk, seen: Default::default(), exhausted: false })
    }

    /// True when HEAD is `commit` or descends from it.
    pub(crate) fn contains(&mut self, commit: Oid) -> Result<bool> {
        if commit == self.head || self.seen.contains(&commit) {
            return Ok(true);
        }
        while !self.exhausted {
            match self.walk.next() {
                Some(oid) => {
                    let oid = oid?;
                    self.seen.insert(oid);
                    if oid == commit {
                        return Ok(true);
                    }
                }
                None => self.exhausted = true,
            }
        }
        Ok(false)
    }

    /// The highest of `tags` (sorted highest first) that HEAD contains: [`last_release`] with the
    /// walk shared.
    pub(crate) fn last_release<'t>(&mut self, tags: &'t [ReleaseTag]) -> Result<Option<&'t ReleaseTag>> {
        for tag in tags {
            if self.contains(tag.commit)? {
                return Ok(Some(tag));
            }
        }
        Ok(None)
    }
}

/// The reachable release tags of one tag prefix: what a repository tagged under a prefix other
/// than the configured one looks like (`1.0.0`, `name-v1.7.0`, `release/1.2.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrefixTags {
    /// What comes before the version: `""`, `v`, `name-v`.
    pub prefix: String,
    /// The highest tag of this prefix HEAD contains.
    pub highest: ReleaseTag,
}

/// Splits a tag name into its prefix and the semantic version it ends with, taking the longest
/// version (`v1.2.3` is `v` + 1.2.3; `name-v1.7.0` is `name-v` + 1.7.0).
pub(crate) fn split_tag(name: &str) -> Option<(&str, Version)> {
    name.char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .find_map(|(i, _)| Version::parse(&name[i..]).ok().map(|version| (&name[..i], version)))
}

/// For every tag prefix, its highest tag that HEAD contains; prefixes with none are left out.
/// Ordered highest version first (then by prefix). Used when no tag of the configured prefix is
/// reachable, to name the `tag-prefix` that would match, and by `vbump init` to infer it.
pub(crate) fn reachable_prefixes(repo: &Repository, head: Oid) -> Result<Vec<PrefixTags>> {
    reachable_prefixes_of(repo, head, |_| true)
}

/// [`reachable_prefixes`] of the tags `keep` keeps (by name).
pub(crate) fn reachable_prefixes_of(
    repo: &Repository,
    head: Oid,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<PrefixTags>> {
    let mut by_prefix: std::collections::BTreeMap<String, Vec<ReleaseTag>> = Default::default();
    for reference in repo.references_glob("refs/tags/*")? {
        let reference = reference?;
        let Ok(name) = reference.shorthand() else { continue };
        if !keep(name) {
            continue;
        }
        let Some((prefix, version)) = split_tag(name) else { continue };
        let Ok(commit) = reference.peel_to_commit() else { continue };
        by_prefix.entry(prefix.to_string()).or_default().push(ReleaseTag {
            name: name.to_string(),
            version,
            commit: commit.id(),
        });
    }
    let mut found = Vec::new();
    for (prefix, mut tags) in by_prefix {
        tags.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| b.name.cmp(&a.name)));
        if let Some(highest) = last_release(repo, head, &tags)? {
            found.push(PrefixTags { prefix, highest: highest.clone() });
        }
    }
    found.sort_by(|a, b| b.highest.version.cmp(&a.highest.version).then_with(|| a.prefix.cmp(&b.prefix)));
    Ok(found)
}

/// The commit that last changed the version: the newest commit on HEAD's first-parent line whose
/// version value differs from its first parent's (a root commit that has one introduced it).
/// `paths` are the version files; `value` reads the version value from their contents at one
/// commit (a path absent there is left out of the slice). `None` when there is no version file.
///
/// Without a release tag this is where the history to count starts: the commits before it made the
/// version the files hold, so counting them again would release a feature a second time. Only
/// commits whose version files' blobs differ from the parent's are read.
pub(crate) fn last_version_change<T: PartialEq>(
    repo: &Repository,
    head: Oid,
    paths: &[std::path::PathBuf],
    mut value: impl FnMut(&[(std::path::PathBuf, Vec<u8>)]) -> T,
) -> Result<Option<Oid>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let blobs = |commit: &git2::Commit<'_>| -> Result<Vec<Option<Oid>>> {
        let tree = commit.tree()?;
        Ok(paths.iter().map(|path| tree.get_path(path).ok().map(|entry| entry.id())).collect())
    };
    let contents = |ids: &[Option<Oid>]| -> Result<Vec<(std::path::PathBuf, Vec<u8>)>> {
        let mut out = Vec::new();
        for (path, id) in paths.iter().zip(ids) {
            if let Some(id) = id
                && let Ok(blob) = repo.find_blob(*id)
            {
                out.push((path.clone(), blob.content().to_vec()));
            }
        }
        Ok(out)
    };
    let mut commit = repo.find_commit(head)?;
    let mut ids = blobs(&commit)?;
    let current = value(&contents(&ids)?);
    loop {
        // A shallow clone's boundary has no parent to compare with: the change is at or before it.
        let Ok(parent) = commit.parent(0) else { return Ok(Some(commit.id())) };
        let parent_ids = blobs(&parent)?;
        if parent_ids != ids && value(&contents(&parent_ids)?) != current {
            return Ok(Some(commit.id()));
        }
        commit = parent;
        ids = parent_ids;
    }
}

/// The commits at a shallow clone's boundary, read from the `shallow` file (none when the
/// repository is complete). The one reader of that file: it lives in the common git directory, so
/// a linked worktree of a shallow clone finds it there, not in the worktree's own git directory.
pub(crate) fn shallow_boundary(repo: &Repository) -> Result<std::collections::HashSet<Oid>> {
    let path = repo.commondir().join("shallow");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::input(format!("cannot read {}: {e}", path.display()))),
    };
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            Oid::from_str(line).map_err(|_| {
                Error::input(format!("{}: `{line}` is not an object id", path.display()))
                    .hint("the shallow clone is damaged: run `git fetch --unshallow`")
            })
        })
        .collect()
}

/// True for a shallow clone, in its main work tree or a linked one. (libgit2's own
/// `is_shallow` looks in the worktree's git directory, where a linked worktree has no `shallow`.)
pub(crate) fn is_shallow(repo: &Repository) -> bool {
    std::fs::metadata(repo.commondir().join("shallow")).is_ok_and(|m| m.len() > 0)
}

/// True when a shallow clone holds every commit since the last release (open the repository
/// afresh: libgit2 keeps the boundary it read at open time): a release tag is reachable from HEAD,
/// and every commit at the shallow boundary is that tag or one of its ancestors. A branch merged
/// since the release whose older commits lie beyond the boundary would otherwise be cut off, and
/// its `feat!` missed.
pub(crate) fn complete_since_release(repo: &Repository, prefix: &str) -> Result<bool> {
    let head = head(repo)?;
    let tags = release_tags(repo, prefix)?;
    // vbump's own walk, not libgit2's graph queries: those do not see the boundary of a linked
    // worktree's shallow clone and fail on the first missing parent.
    let (last, ()) = since_last_release(repo, head.commit, &tags, || Ok(None), |(), _, _| Ok(()))?;
    let Some(last) = last else { return Ok(false) };
    for cut in shallow_boundary(repo)? {
        if cut != last.commit && !walk_since(repo, last.commit, Some(cut), |_, _| Ok(()))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A commit of a revision range (`vbump lint --range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RangeCommit {
    /// Full hexadecimal object id.
    pub(crate) id: String,
    /// The whole message, decoded lossily.
    pub(crate) message: String,
    /// True for a merge commit (more than one parent).
    pub(crate) merge: bool,
}

/// Every commit in `A..B`, oldest first (merge commits included and marked).
pub(crate) fn range_commits(repo: &Repository, range: &str) -> Result<Vec<RangeCommit>> {
    let hint = "give a range like `origin/main..HEAD`; in a shallow clone fetch the base first \
                (`actions/checkout` with `fetch-depth: 0`)";
    let spec = repo.revparse(range).map_err(|e| {
        Error::input(format!("cannot resolve the range `{range}`: {}", e.message())).hint(hint)
    })?;
    let (Some(from), Some(to)) = (spec.from(), spec.to()) else {
        return Err(Error::input(format!("`{range}` is a single revision, not a range")).hint(hint));
    };
    if spec.mode().contains(git2::RevparseMode::MERGE_BASE) {
        return Err(Error::input(format!("`{range}` is a symmetric range (`...`)"))
            .hint("use `A..B`: the commits reachable from B and not from A"));
    }
    let walk_error =
        |e: git2::Error| Error::input(format!("cannot walk `{range}`: {}", e.message())).hint(hint);
    let mut walk = repo.revwalk().map_err(walk_error)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).map_err(walk_error)?;
    walk.push(to.id()).map_err(walk_error)?;
    walk.hide(from.id()).map_err(walk_error)?;
    let mut commits = Vec::new();
    for id in walk {
        let id = id.map_err(walk_error)?;
        let commit = repo.find_commit(id).map_err(walk_error)?;
        commits.push(RangeCommit {
            id: id.to_string(),
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            merge: commit.parent_count() > 1,
        });
    }
    Ok(commits)
}

/// The last release HEAD contains, and what `visit` made of the commits since it (newest first).
///
/// `visit(state, sha, message)` folds each commit into a fresh `S::default()`. The highest tag is
/// proved reachable by the same walk that reads the commits (see [`walk_since`]); only when it is
/// not (it sits on a branch HEAD does not contain) are the lower tags checked with libgit2 and the
/// commits read again, into a new state.
///
/// Without a reachable tag the commits are read from `untagged_start()` (exclusive; `None`: the
/// whole history), which is only called then.
pub(crate) fn since_last_release<'t, S: Default>(
    repo: &Repository,
    head: Oid,
    tags: &'t [ReleaseTag],
    untagged_start: impl FnOnce() -> Result<Option<Oid>>,
    mut visit: impl FnMut(&mut S, Oid, &str) -> Result<()>,
) -> Result<(Option<&'t ReleaseTag>, S)> {
    let mut state = S::default();
    let Some(highest) = tags.first() else {
        walk_since(repo, head, untagged_start()?, |oid, message| visit(&mut state, oid, message))?;
        return Ok((None, state));
    };
    if walk_since(repo, head, Some(highest.commit), |oid, message| visit(&mut state, oid, message))? {
        return Ok((Some(highest), state));
    }
    let last = last_release(repo, head, &tags[1..])?;
    let start = match last {
        Some(tag) => Some(tag.commit),
        None => untagged_start()?,
    };
    let mut state = S::default();
    walk_since(repo, head, start, |oid, message| visit(&mut state, oid, message))?;
    Ok((last, state))
}

/// Calls `visit(sha, message)` for each commit reachable from `head` and not from `since`, newest
/// first, one at a time: only the messages of the walk's frontier are held, never the whole
/// history's. Order: newest committer time first, equal times in the order the walk met them (a
/// child before its parent, a merge's first parent before its second), which is `git log`'s order.
///
/// Returns whether `since` is in `head`'s history (`true` when `since` is `None` or is `head`).
/// When it is not, the commits visited are those of `head` that `since` lacks, which are not "the
/// commits since a release": callers discard them.
pub(crate) fn walk_since(
    repo: &Repository,
    head: Oid,
    since: Option<Oid>,
    visit: impl FnMut(Oid, &str) -> Result<()>,
) -> Result<bool> {
    if since == Some(head) {
        return Ok(true);
    }
    let mut visit = visit;
    let reached = walk::Walk::new(repo)?.run(head, &[since], |commit| visit(commit.oid, commit.message))?;
    Ok(reached[0])
}

/// Walks from `head` once for several ranges at once: range `i` holds the commits `head` reaches
/// and `since[i]` does not (`None`: the whole history). `visit` sees each commit in at least one
/// range, newest first, with its tree and its first parent's tree; [`Commit::in_range`] says which
/// ranges hold it. Returns, per range, whether `head` contains its boundary.
pub(crate) fn walk_ranges(
    repo: &Repository,
    head: Oid,
    since: &[Option<Oid>],
    visit: impl FnMut(&Commit<'_>) -> Result<()>,
) -> Result<Vec<bool>> {
    walk::Walk::new(repo)?.run(head, since, visit)
}

mod walk;

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages `walk_since` visits, in order, and whether it reached `since`.
    fn messages(repo: &Repository, head: Oid, since: Option<Oid>) -> (Vec<String>, bool) {
        let mut seen = Vec::new();
        let reached = walk_since(repo, head, since, |_, m| {
            seen.push(m.trim_end().to_string());
            Ok(())
        })
        .unwrap();
        (seen, reached)
    }

    /// A `since_last_release` visitor that counts commits.
    fn count(n: &mut usize, _: Oid, _: &str) -> Result<()> {
        *n += 1;
        Ok(())
    }

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

        /// A commit with the given parents and committer time, on no branch.
        fn commit_at(&self, message: &str, time: i64, parents: &[Oid]) -> Oid {
            let sig = git2::Signature::new("T", "t@example.com", &git2::Time::new(time, 0)).unwrap();
            let tree = self.repo.find_tree(self.repo.index().unwrap().write_tree().unwrap()).unwrap();
            let parents: Vec<_> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
            let parents: Vec<_> = parents.iter().collect();
            self.repo.commit(None, &sig, &sig, message, &tree, &parents).unwrap()
        }

        /// The messages `walk_since` visits, in order, and whether it reached `since`.
        fn walk(&self, head: Oid, since: Option<Oid>) -> (Vec<String>, bool) {
            messages(&self.repo, head, since)
        }

        fn release(&self, name: &str, at: Oid) -> ReleaseTag {
            self.tag(name, at);
            ReleaseTag { name: name.into(), version: Version::parse(&name[1..]).unwrap(), commit: at }
        }

        /// Writes `path` with `contents` in the work tree, stages it and commits on HEAD.
        fn commit_file(&self, path: &str, contents: &str, message: &str) -> Oid {
            let full = self.repo.workdir().unwrap().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, contents).unwrap();
            let mut index = self.repo.index().unwrap();
            index.add_path(std::path::Path::new(path)).unwrap();
            index.write().unwrap();
            self.commit(message)
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
        assert!(
            walk_since(&r.repo, head, Some(released), |_, m| {
                seen.push(m.to_string());
                Ok(())
            })
            .unwrap()
        );
        assert_eq!(seen, ["feat: b", "fix: a"]);
    }

    #[test]
    fn both_sides_of_a_merge_are_read_and_the_tag_history_is_not() {
        let r = Repo::new();
        let old = r.commit_at("feat: old", 100, &[]);
        let tag = r.commit_at("chore(release): v1.0.0", 200, &[old]);
        let a1 = r.commit_at("fix: main 1", 300, &[tag]);
        let b1 = r.commit_at("feat: topic 1", 310, &[tag]);
        let a2 = r.commit_at("fix: main 2", 320, &[a1]);
        let b2 = r.commit_at("feat: topic 2", 330, &[b1]);
        let merge = r.commit_at("Merge topic", 400, &[a2, b2]);
        let (seen, reached) = r.walk(merge, Some(tag));
        assert!(reached);
        assert_eq!(seen, ["Merge topic", "feat: topic 2", "fix: main 2", "feat: topic 1", "fix: main 1"]);
    }

    #[test]
    fn ancestry_answers_as_graph_descendant_of_does_with_one_walk() {
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let main = r.commit_at("fix: on main", 500, &[root]);
        let side = r.commit_at("feat: side", 200, &[root]);
        let merge = r.commit_at("Merge side", 600, &[main, side]);
        let elsewhere = r.commit_at("fix: maintenance", 700, &[main]);
        let later = r.commit_at("feat: later", 800, &[merge]);
        let mut ancestry = Ancestry::new(&r.repo, later).unwrap();
        // Unreachable first (the walk runs to its end), then every kind of reachable commit.
        for (commit, expected) in
            [(elsewhere, false), (side, true), (root, true), (later, true), (merge, true), (main, true)]
        {
            assert_eq!(ancestry.contains(commit).unwrap(), expected, "{commit}");
            let descendant = commit == later || r.repo.graph_descendant_of(later, commit).unwrap();
            assert_eq!(descendant, expected, "{commit}");
        }

        let tags = [r.release("v2.0.0", elsewhere), r.release("v1.1.0", side), r.release("v1.0.0", root)];
        let mut fresh = Ancestry::new(&r.repo, later).unwrap();
        assert_eq!(fresh.last_release(&tags).unwrap().map(|t| t.name.as_str()), Some("v1.1.0"));
        assert_eq!(last_release(&r.repo, later, &tags).unwrap().map(|t| t.name.as_str()), Some("v1.1.0"));
    }

    #[test]
    fn a_tag_reachable_only_through_the_second_parent_of_a_merge_is_the_last_release() {
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let main = r.commit_at("fix: on main", 500, &[root]);
        let tagged = r.commit_at("chore(release): v1.0.0", 200, &[root]);
        let after = r.commit_at("feat: after the tag", 300, &[tagged]);
        let merge = r.commit_at("Merge release branch", 600, &[main, after]);
        let (seen, reached) = r.walk(merge, Some(tagged));
        assert!(reached);
        assert_eq!(seen, ["Merge release branch", "fix: on main", "feat: after the tag"]);

        let tags = [r.release("v1.0.0", tagged)];
        let (last, count) = since_last_release(&r.repo, merge, &tags, || Ok(None), count).unwrap();
        assert_eq!(last.map(|t| t.name.as_str()), Some("v1.0.0"));
        assert_eq!(count, 3);
    }

    #[test]
    fn a_higher_tag_head_does_not_contain_falls_back_to_the_highest_one_it_does() {
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let v1 = r.commit_at("chore(release): v1.0.0", 200, &[root]);
        let head = r.commit_at("fix: on main", 300, &[v1]);
        let elsewhere = r.commit_at("chore(release): v2.0.0", 400, &[v1]);
        assert!(!r.walk(head, Some(elsewhere)).1);

        let tags = [r.release("v2.0.0", elsewhere), r.release("v1.0.0", v1)];
        let (last, seen) = since_last_release(
            &r.repo,
            head,
            &tags,
            || Ok(None),
            |seen: &mut Vec<String>, _, m| {
                seen.push(m.to_string());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(last.map(|t| t.name.as_str()), Some("v1.0.0"));
        // Only the second walk's commits: the first one (hiding v2.0.0) is thrown away.
        assert_eq!(seen, ["fix: on main"]);

        let (last, seen) = since_last_release(&r.repo, head, &tags[..1], || Ok(None), count).unwrap();
        assert_eq!(last, None);
        assert_eq!(seen, 3, "no release: the whole history");
    }

    #[test]
    fn equal_times_go_in_queue_order_as_git_log_lists_them() {
        // `git log` on this history (all at one instant) prints M A B R.
        let r = Repo::new();
        let root = r.commit_at("R", 100, &[]);
        let b = r.commit_at("B", 100, &[root]);
        let a = r.commit_at("A", 100, &[root]);
        let merge = r.commit_at("M", 100, &[a, b]);
        assert_eq!(r.walk(merge, None).0, ["M", "A", "B", "R"]);
        let (seen, reached) = r.walk(merge, Some(root));
        assert!(reached);
        assert_eq!(seen, ["M", "A", "B"]);
    }

    #[test]
    fn a_commit_dated_before_the_tag_on_the_head_side_is_still_read() {
        // The commit after the release carries a clock from the past: older than the tag and
        // than the tag's parent. The walk must not stop while it is queued.
        let r = Repo::new();
        let root = r.commit_at("feat: root", 1_000, &[]);
        let before = r.commit_at("fix: before", 2_000, &[root]);
        let tagged = r.commit_at("chore(release): v1.0.0", 3_000, &[before]);
        let skewed = r.commit_at("feat: skewed clock", 500, &[tagged]);
        let head = r.commit_at("fix: head", 4_000, &[skewed]);
        let (seen, reached) = r.walk(head, Some(tagged));
        assert!(reached);
        assert_eq!(seen, ["fix: head", "feat: skewed clock"]);
    }

    #[test]
    fn a_commit_the_tag_contains_reached_first_through_a_skewed_date_is_not_read() {
        // `old` is in v1.0.0's history but dated after it, and HEAD merges it directly: the walk
        // pops it as interesting before the tag's side marks it; the mark must still win.
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let old = r.commit_at("fix: old, skewed", 3_000, &[root]);
        let tagged = r.commit_at("chore(release): v1.0.0", 1_000, &[old]);
        let after = r.commit_at("feat: after", 2_000, &[tagged]);
        let head = r.commit_at("Merge old branch", 4_000, &[after, old]);
        let (seen, reached) = r.walk(head, Some(tagged));
        assert!(reached);
        assert_eq!(seen, ["Merge old branch", "feat: after"]);
    }

    #[test]
    fn a_shallow_clone_ends_at_its_boundary_without_an_error() {
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let gone = r.commit_at("fix: not fetched", 200, &[root]);
        let boundary = r.commit_at("chore(release): v1.0.0", 300, &[gone]);
        let head = r.commit_at("feat: head", 400, &[boundary]);
        // What `git clone --depth 2` leaves: the boundary listed in .git/shallow, its parents absent.
        std::fs::write(r.repo.path().join("shallow"), format!("{boundary}\n")).unwrap();
        for missing in [root, gone] {
            let hex = missing.to_string();
            std::fs::remove_file(r.repo.path().join("objects").join(&hex[..2]).join(&hex[2..])).unwrap();
        }
        let repo = Repository::open(r.repo.path()).unwrap();
        assert!(repo.is_shallow());
        assert_eq!(
            messages(&repo, head, None),
            (vec!["feat: head".into(), "chore(release): v1.0.0".into()], true)
        );
        assert_eq!(messages(&repo, head, Some(boundary)), (vec!["feat: head".into()], true));
    }

    #[test]
    fn a_missing_parent_outside_a_shallow_clone_is_an_error_naming_it() {
        let r = Repo::new();
        let root = r.commit_at("feat: root", 100, &[]);
        let head = r.commit_at("feat: head", 200, &[root]);
        let hex = root.to_string();
        std::fs::remove_file(r.repo.path().join("objects").join(&hex[..2]).join(&hex[2..])).unwrap();
        let e = walk_since(&r.repo, head, None, |_, _| Ok(())).unwrap_err();
        assert_eq!(e.message, format!("commit {root} is missing from the repository"));
    }

    #[test]
    fn messages_in_another_encoding_are_read_lossily() {
        let r = Repo::new();
        let tree = r.repo.index().unwrap().write_tree().unwrap();
        let raw = format!(
            "tree {tree}\nauthor T <t@example.com> 100 +0000\ncommitter T <t@example.com> 100 +0000\nencoding ISO-8859-1\n\n"
        );
        let mut raw = raw.into_bytes();
        raw.extend_from_slice(b"fix: caf\xe9\n");
        let head = r.repo.odb().unwrap().write(git2::ObjectType::Commit, &raw).unwrap();
        assert_eq!(r.walk(head, None).0, ["fix: caf\u{fffd}"]);
    }

    #[test]
    fn raw_headers_give_the_message_and_the_committer_time() {
        let raw =
            b"tree 1\nparent 2\ncommitter A <a@b> 1700000000 +0100\ngpgsig x\n  y\n\n\nfeat: x\n\nbody\n";
        let (header, message) = walk::split_commit(raw);
        assert!(header.ends_with(b"  y"));
        assert_eq!(message, b"feat: x\n\nbody\n");
        assert_eq!(walk::committer_time(b"A <a@b> 1700000000 +0100"), 1_700_000_000);
        assert_eq!(walk::committer_time(b"A <a> b> 42 +0000"), 42);
        assert_eq!(walk::committer_time(b"broken"), 0);
        assert_eq!(walk::split_commit(b"tree 1"), (&b"tree 1"[..], &b""[..]));
    }

    #[test]
    fn tag_names_split_into_prefix_and_the_longest_version() {
        let split = |name| split_tag(name).map(|(p, v)| (p.to_string(), v.to_string()));
        assert_eq!(split("v1.2.3"), Some(("v".into(), "1.2.3".into())));
        assert_eq!(split("1.0.0"), Some(("".into(), "1.0.0".into())));
        assert_eq!(split("name-v1.7.0"), Some(("name-v".into(), "1.7.0".into())));
        assert_eq!(split("plugins/fmt/v12.0.0-rc.1"), Some(("plugins/fmt/v".into(), "12.0.0-rc.1".into())));
        assert_eq!(split("v1.2"), None);
        assert_eq!(split("latest"), None);
    }

    #[test]
    fn reachable_prefixes_name_each_prefix_by_its_highest_reachable_tag() {
        let r = Repo::new();
        let one = r.commit("one");
        r.tag("0.9.0", one);
        r.tag("name-v1.6.0", one);
        let two = r.commit("two");
        r.tag("1.0.0", two);
        r.tag("name-v1.7.0", two);
        r.tag("v1.0", two);
        // A higher tag HEAD does not contain is not the answer.
        let elsewhere = r.commit_at("elsewhere", 100, &[one]);
        r.tag("other-v9.0.0", elsewhere);
        let found: Vec<(String, String)> = reachable_prefixes(&r.repo, two)
            .unwrap()
            .into_iter()
            .map(|p| (p.prefix, p.highest.name))
            .collect();
        assert_eq!(found, [("name-v".to_string(), "name-v1.7.0".to_string()), ("".into(), "1.0.0".into())]);
    }

    #[test]
    fn the_last_version_change_is_the_newest_commit_that_changed_the_value() {
        let r = Repo::new();
        let value = |contents: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<String> {
            contents.iter().map(|(_, bytes)| String::from_utf8_lossy(bytes).trim().to_string()).collect()
        };
        let paths = [std::path::PathBuf::from("VERSION"), std::path::PathBuf::from("sub/VERSION")];
        r.commit("feat: before any version");
        let added = r.commit_file("VERSION", "0.0.1\n", "chore: add VERSION");
        assert_eq!(last_version_change(&r.repo, added, &paths, value).unwrap(), Some(added));
        r.commit("feat: shipped in 0.0.1");
        let bumped = r.commit_file("VERSION", "0.0.4\n", "chore: 0.0.4");
        r.commit("fix: one");
        // The same value written again (a reformat, a revert of a revert) is no change of value.
        r.commit_file("VERSION", "0.0.4\n\n", "style: blank line");
        let head = r.commit("fix: two");
        assert_eq!(last_version_change(&r.repo, head, &paths, value).unwrap(), Some(bumped));
        // A second version file appearing changes the value set.
        let second = r.commit_file("sub/VERSION", "0.0.4\n", "chore: sub VERSION");
        assert_eq!(last_version_change(&r.repo, second, &paths, value).unwrap(), Some(second));
        assert_eq!(last_version_change(&r.repo, head, &[], value).unwrap(), None, "no version file");
    }

    #[test]
    fn a_version_set_in_the_root_commit_was_changed_by_the_root_commit() {
        let r = Repo::new();
        let root = r.commit_file("VERSION", "1.0.0", "feat: initial");
        let head = r.commit("fix: later");
        let paths = [std::path::PathBuf::from("VERSION")];
        let found = last_version_change(&r.repo, head, &paths, |c| c.to_vec()).unwrap();
        assert_eq!(found, Some(root));
    }

    #[test]
    fn unborn_head_is_an_input_error() {
        let r = Repo::new();
        let e = head(&r.repo).unwrap_err();
        assert_eq!(e.message, "the repository has no commits yet");
        assert_eq!(e.exit_code(), 2);
    }
}
