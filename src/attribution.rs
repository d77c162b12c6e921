//! Which packages a commit changes: its tree against its first parent's (a root commit against
//! nothing), pruned to the package folders.
//!
//! vbump only needs to know *which package folders* changed, not which files, so the diff walks a
//! trie of the package paths and descends only where both a package lies below and the two trees
//! differ: equal subtree ids are skipped without being read, and a folder-only package is changed
//! as soon as its folder's id differs, without reading inside it. Only packages with `include` or
//! `exclude` globs need the changed files themselves, and only under their folder and their
//! include globs' literal bases. `git log --name-only` reads every changed folder down to its files
//! and prints each path; this reads two or three trees per commit for a typical catalog.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use git2::{Odb, Oid, Repository};

use crate::error::{Error, Result};
use crate::history::{self, ReleaseTag};
use crate::path_filter::PathFilter;

/// A node of the trie of package paths.
#[derive(Default)]
struct Node {
    children: HashMap<Box<[u8]>, Node>,
    /// Folder-only packages whose path is this node: changed when this subtree differs.
    whole: Vec<usize>,
    /// List the changed files under this node and test them against the glob packages.
    list_files: bool,
}

impl Node {
    fn at(&mut self, path: &str) -> &mut Node {
        let mut node = self;
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            node = node.children.entry(segment.as_bytes().into()).or_default();
        }
        node
    }
}

/// An entry of a tree: its object and whether it is a tree itself.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    oid: Oid,
    is_tree: bool,
}

/// A parsed tree: its raw bytes and, per entry, where the name lies in them.
#[derive(Default)]
struct Tree {
    raw: Vec<u8>,
    entries: Vec<(usize, usize, Entry)>,
}

impl Tree {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn name(&self, i: usize) -> &[u8] {
        let (start, end, _) = self.entries[i];
        &self.raw[start..end]
    }

    fn entry(&self, i: usize) -> Entry {
        self.entries[i].2
    }

    /// Parses a raw tree object: `<mode> <name>\0<20-byte id>`, repeated.
    fn parse(raw: Vec<u8>) -> Option<Tree> {
        let mut entries = Vec::new();
        let mut at = 0;
        while at < raw.len() {
            let space = at + raw[at..].iter().position(|&b| b == b' ')?;
            let nul = space + raw[space..].iter().position(|&b| b == 0)?;
            let id = raw.get(nul + 1..nul + 21)?;
            // Mode 40000 is a tree; a submodule (160000) is a commit, which counts as a file here.
            let is_tree = &raw[at..space] == b"40000";
            entries.push((space + 1, nul, Entry { oid: Oid::from_bytes(id).ok()?, is_tree }));
            at = nul + 21;
        }
        Some(Tree { raw, entries })
    }
}

/// Parsed trees, kept for a few commits: a commit's tree is its child's parent tree, read twice.
const CACHED_TREES: usize = 64;

/// Attributes commits to packages by the paths they change.
pub(crate) struct Attributor<'r> {
    odb: Odb<'r>,
    root: Node,
    filters: Vec<PathFilter>,
    /// Packages with globs, tested file by file.
    glob_packages: Vec<usize>,
    cache: HashMap<Oid, Rc<Tree>>,
    cache_order: VecDeque<Oid>,
}

impl<'r> Attributor<'r> {
    pub(crate) fn new(repo: &'r Repository, filters: &[PathFilter]) -> Result<Self> {
        let mut root = Node::default();
        let mut glob_packages = Vec::new();
        for (i, filter) in filters.iter().enumerate() {
            if filter.is_folder_only() {
                root.at(filter.path()).whole.push(i);
            } else {
                glob_packages.push(i);
                root.at(filter.path()).list_files = true;
                for glob in filter.include() {
                    root.at(glob.base()).list_files = true;
                }
            }
        }
        Ok(Attributor {
            odb: repo.odb()?,
            root,
            filters: filters.to_vec(),
            glob_packages,
            cache: HashMap::new(),
            cache_order: VecDeque::new(),
        })
    }

    /// The packages (indices into the filters) whose files differ between `parent` and `tree`.
    pub(crate) fn changed(&mut self, parent: Option<Oid>, tree: Oid) -> Result<Vec<usize>> {
        let mut changed = vec![false; self.filters.len()];
        let old = parent.map(|oid| Entry { oid, is_tree: true });
        let new = Some(Entry { oid: tree, is_tree: true });
        let root = std::mem::take(&mut self.root);
        let result = self.diff(&root, old, new, &mut Vec::new(), &mut changed);
        self.root = root;
        result?;
        Ok(changed.iter().enumerate().filter(|(_, c)| **c).map(|(i, _)| i).collect())
    }

    fn diff(
        &mut self,
        node: &Node,
        old: Option<Entry>,
        new: Option<Entry>,
        path: &mut Vec<u8>,
        changed: &mut [bool],
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        for &i in &node.whole {
            changed[i] = true;
        }
        if node.list_files {
            self.list_files(old, new, path, changed)?;
        }
        if node.children.is_empty() {
            return Ok(());
        }
        let old_entries = self.entries(old)?;
        let new_entries = self.entries(new)?;
        for (name, old, new) in differences(&old_entries, &new_entries) {
            let Some(child) = node.children.get(name) else { continue };
            let len = enter(path, name);
            self.diff(child, old, new, path, changed)?;
            path.truncate(len);
        }
        Ok(())
    }

    /// Tests every changed file under `path` against the glob packages.
    fn list_files(
        &mut self,
        old: Option<Entry>,
        new: Option<Entry>,
        path: &mut Vec<u8>,
        changed: &mut [bool],
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let is_tree = |e: Option<Entry>| e.is_some_and(|e| e.is_tree);
        if !is_tree(old) || !is_tree(new) {
            // A file that changed, appeared or went away (or turned into a folder, or back).
            if old.is_some_and(|e| !e.is_tree) || new.is_some_and(|e| !e.is_tree) {
                let file = String::from_utf8_lossy(path);
                for &i in &self.glob_packages {
                    if self.filters[i].matches(&file) {
                        changed[i] = true;
                    }
                }
            }
        }
        if !is_tree(old) && !is_tree(new) {
            return Ok(());
        }
        let old_entries = self.entries(old.filter(|e| e.is_tree))?;
        let new_entries = self.entries(new.filter(|e| e.is_tree))?;
        for (name, old, new) in differences(&old_entries, &new_entries) {
            let len = enter(path, name);
            self.list_files(old, new, path, changed)?;
            path.truncate(len);
        }
        Ok(())
    }

    /// The entries of a tree (none for a file or nothing).
    fn entries(&mut self, entry: Option<Entry>) -> Result<Rc<Tree>> {
        let Some(Entry { oid, is_tree: true }) = entry else { return Ok(Rc::default()) };
        if let Some(entries) = self.cache.get(&oid) {
            return Ok(Rc::clone(entries));
        }
        let object = self.odb.read(oid)?;
        let entries = Rc::new(Tree::parse(object.data().to_vec()).ok_or_else(|| {
            Error::input(format!("tree {oid} is malformed"))
                .hint("the repository may be corrupt: run `git fsck`")
        })?);
        if self.cache_order.len() == CACHED_TREES
            && let Some(oldest) = self.cache_order.pop_front()
        {
            self.cache.remove(&oldest);
        }
        self.cache_order.push_back(oid);
        self.cache.insert(oid, Rc::clone(&entries));
        Ok(entries)
    }
}

/// Appends `name` to the `/`-separated `path`; returns the length to truncate back to.
fn enter(path: &mut Vec<u8>, name: &[u8]) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    len
}

/// git's order of tree entries: by name, a tree's name compared as if it ended with `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {
            let next = |name: &[u8], is_tree: bool| name.get(common).copied().or(is_tree.then_some(b'/'));
            next(a, a_tree).cmp(&next(b, b_tree))
        }
        other => other,
    }
}

type Difference<'t> = (&'t [u8], Option<Entry>, Option<Entry>);

/// The names whose entries differ between two sorted trees, with each side's entry. A name that is
/// a file on one side and a folder on the other sorts apart and comes out twice, once per side.
fn differences<'t>(old: &'t Tree, new: &'t Tree) -> Vec<Difference<'t>> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < old.len() || j < new.len() {
        let order = match (i < old.len(), j < new.len()) {
            (true, true) => {
                let (a, b) = (old.entry(i), new.entry(j));
                // The common case: the same name on both sides.
                if a.is_tree == b.is_tree && old.name(i) == new.name(j) {
                    Ordering::Equal
                } else {
                    git_order(old.name(i), a.is_tree, new.name(j), b.is_tree)
                }
            }
            (true, false) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                out.push((old.name(i), Some(old.entry(i)), None));
                i += 1;
            }
            Ordering::Greater => {
                out.push((new.name(j), None, Some(new.entry(j))));
                j += 1;
            }
            Ordering::Equal => {
                if old.entry(i) != new.entry(j) {
                    out.push((old.name(i), Some(old.entry(i)), Some(new.entry(j))));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// One package as the history sees it: its files and its release tags (highest first).
pub(crate) struct PackageRange<'t> {
    pub(crate) filter: &'t PathFilter,
    pub(crate) tags: &'t [ReleaseTag],
}

/// What the walk found for one package: its last release HEAD contains, where its count starts
/// without one, and what `visit` made of its commits.
pub(crate) struct Walked<'t, S> {
    /// The highest of its tags HEAD contains.
    pub(crate) last: Option<&'t ReleaseTag>,
    /// Without a reachable tag: the commit its count starts after (`None`: the whole history).
    pub(crate) start: Option<Oid>,
    pub(crate) state: S,
}

/// One commit as [`since_last_releases`] shows it to `visit`.
pub(crate) struct Visit<'m> {
    pub(crate) oid: Oid,
    pub(crate) message: &'m str,
    /// It changes no package's files at all (it is outside every package). Never set in the
    /// second walk of [`since_last_releases`]: the first has shown those commits.
    pub(crate) outside: bool,
}

/// A package whose range holds the commit being visited: its index (into the packages), whether
/// the commit changes its files, and its state.
pub(crate) struct InRange<'s, S> {
    pub(crate) index: usize,
    pub(crate) changed: bool,
    pub(crate) state: &'s mut S,
}

/// For each package, the last release HEAD contains and what `visit` made of the commits since it,
/// in one walk over history for all packages.
///
/// `visit(commit, packages)` is called once per commit that is new to at least one package, newest
/// first, with every package whose range holds it (`changed` says whether it changes that
/// package's files: only those commits are the package's). A package without a reachable tag
/// counts from `untagged_start(i)` (exclusive; `None`: the whole history), asked only then.
/// As in single-package mode, each package's highest tag is proved reachable by the walk itself;
/// the packages whose highest tag HEAD does not contain are counted once more, from the highest
/// tag it does contain (else their untagged start), into fresh states. That second walk shows
/// `visit` each commit as the first does: with every package whose range holds it, so that a
/// commit of several packages is never taken for a commit of one (the packages counted already
/// get scratch states, dropped after it), and those that change no package's files included (an
/// empty commit may name a package in a `Release-As:` footer). It marks no commit `outside`:
/// the first walk has.
pub(crate) fn since_last_releases<'t, S: Default>(
    repo: &Repository,
    head: Oid,
    packages: &[PackageRange<'t>],
    mut untagged_start: impl FnMut(usize) -> Result<Option<Oid>>,
    mut visit: impl FnMut(&Visit<'_>, &mut [InRange<'_, S>]) -> Result<()>,
) -> Result<Vec<Walked<'t, S>>> {
    let mut results = Vec::with_capacity(packages.len());
    for (i, package) in packages.iter().enumerate() {
        let last = package.tags.first();
        let start = match last {
            Some(tag) => Some(tag.commit),
            None => untagged_start(i)?,
        };
        results.push((Walked { last, start: start.filter(|_| last.is_none()), state: S::default() }, start));
    }
    let unreached = walk_packages(repo, head, packages, &mut results, &mut visit, true)?;
    if unreached.is_empty() {
        return Ok(results.into_iter().map(|(walked, _)| walked).collect());
    }
    let mut counted: Vec<Option<S>> = Vec::with_capacity(results.len());
    for (i, (walked, _)) in results.iter_mut().enumerate() {
        counted.push((!unreached.contains(&i)).then(|| std::mem::take(&mut walked.state)));
    }
    for &i in &unreached {
        let tags = packages[i].tags;
        let last = history::last_release(repo, head, &tags[1..])?;
        let start = match last {
            Some(tag) => Some(tag.commit),
            None => untagged_start(i)?,
        };
        results[i] = (Walked { last, start: start.filter(|_| last.is_none()), state: S::default() }, start);
    }
    walk_packages(repo, head, packages, &mut results, &mut visit, false)?;
    for ((walked, _), counted) in results.iter_mut().zip(counted) {
        if let Some(state) = counted {
            walked.state = state;
        }
    }
    Ok(results.into_iter().map(|(walked, _)| walked).collect())
}

/// One walk for every package, from the boundaries in `results`; returns the packages whose
/// boundary HEAD does not contain. Every commit of their ranges is visited, those that change no
/// package too (an empty commit may hold a `Release-As:` footer); they are marked `outside` when
/// `mark_outside` says so.
fn walk_packages<'t, S>(
    repo: &Repository,
    head: Oid,
    packages: &[PackageRange<'t>],
    results: &mut [(Walked<'t, S>, Option<Oid>)],
    visit: &mut impl FnMut(&Visit<'_>, &mut [InRange<'_, S>]) -> Result<()>,
    mark_outside: bool,
) -> Result<Vec<usize>> {
    let since: Vec<Option<Oid>> = results.iter().map(|(_, since)| *since).collect();
    let filters: Vec<PathFilter> = packages.iter().map(|p| p.filter.clone()).collect();
    let mut attributor = Attributor::new(repo, &filters)?;
    let reached = history::walk_ranges(repo, head, &since, |commit| {
        let changed = attributor.changed(commit.parent_tree, commit.tree)?;
        let outside = mark_outside && changed.is_empty();
        // The packages whose range holds the commit, and whether it changes each.
        let mut states: Vec<InRange<'_, S>> = results
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| commit.in_range(*i))
            .map(|(i, (walked, _))| InRange {
                index: i,
                changed: changed.binary_search(&i).is_ok(),
                state: &mut walked.state,
            })
            .collect();
        visit(&Visit { oid: commit.oid, message: commit.message, outside }, &mut states)
    })?;
    Ok(reached.iter().enumerate().filter(|(_, reached)| !**reached).map(|(i, _)| i).collect())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    /// A repository driven by the git CLI, with a fixed identity and clock.
    struct Repo {
        dir: tempfile::TempDir,
        clock: std::cell::Cell<i64>,
    }

    impl Repo {
        fn new() -> Repo {
            let repo = Repo { dir: tempfile::tempdir().unwrap(), clock: 1_700_000_000.into() };
            repo.git(&["init", "-q", "-b", "main"]);
            repo
        }

        fn git(&self, args: &[&str]) -> String {
            let time = self.clock.get();
            self.clock.set(time + 60);
            let out = Command::new("git")
                .args(args)
                .current_dir(self.dir.path())
                .env("GIT_AUTHOR_NAME", "T")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "T")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .env("GIT_AUTHOR_DATE", format!("{time} +0000"))
                .env("GIT_COMMITTER_DATE", format!("{time} +0000"))
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        }

        /// Writes (or, for `None`, deletes) files and commits them; returns the commit id.
        fn commit(&self, message: &str, files: &[(&str, Option<&str>)]) -> Oid {
            for (path, content) in files {
                let full = self.dir.path().join(path);
                match content {
                    Some(content) => {
                        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                        std::fs::write(&full, content).unwrap();
                    }
                    None if full.is_dir() => std::fs::remove_dir_all(&full).unwrap(),
                    None => std::fs::remove_file(&full).unwrap(),
                }
            }
            self.git(&["add", "-A"]);
            self.git(&["commit", "-q", "--allow-empty", "-m", message]);
            Oid::from_str(&self.git(&["rev-parse", "HEAD"])).unwrap()
        }

        fn repo(&self) -> Repository {
            Repository::open(self.dir.path()).unwrap()
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }
    }

    /// Per package: its last tag and the subjects it gets; then the subjects outside every package.
    type Attributed = (Vec<(Option<String>, Vec<String>)>, Vec<String>);

    /// The subjects each package gets, and its last tag, walking from HEAD.
    fn attribute(repo: &Repository, packages: &[PackageRange<'_>]) -> Attributed {
        let head = repo.head().unwrap().peel_to_commit().unwrap().id();
        let mut outside = Vec::new();
        let results = since_last_releases(
            repo,
            head,
            packages,
            |_| Ok(None),
            |commit, states: &mut [InRange<'_, Vec<String>>]| {
                if commit.outside {
                    outside.push(commit.message.trim().to_string());
                }
                for package in states.iter_mut().filter(|p| p.changed) {
                    package.state.push(commit.message.trim().to_string());
                }
                Ok(())
            },
        )
        .unwrap();
        (results.into_iter().map(|w| (w.last.map(|t| t.name.clone()), w.state)).collect(), outside)
    }

    fn tag(repo: &Repository, name: &str, version: &str, at: Oid) -> ReleaseTag {
        repo.tag_lightweight(name, &repo.find_object(at, None).unwrap(), false).unwrap();
        ReleaseTag { name: name.into(), version: version.parse().unwrap(), commit: at }
    }

    #[test]
    fn each_commit_goes_to_the_packages_whose_files_it_changes() {
        let r = Repo::new();
        r.commit(
            "feat: import",
            &[
                ("plugins/a/x", Some("1")),
                ("plugins/b/y", Some("1")),
                ("README.md", Some("1")),
                ("shared/z", Some("1")),
            ],
        );
        r.commit("fix: a only", &[("plugins/a/x", Some("2"))]);
        r.commit("feat: b and the readme", &[("plugins/b/y", Some("2")), ("README.md", Some("2"))]);
        r.commit("docs: readme only", &[("README.md", Some("3"))]);
        r.commit("fix: shared, included by c", &[("shared/z", Some("2"))]);
        r.commit("docs: a's markdown, excluded", &[("plugins/a/doc.md", Some("1"))]);
        r.commit("feat: c appears", &[("plugins/c/new", Some("1"))]);
        r.commit("refactor: a and b", &[("plugins/a/x", None), ("plugins/b/y", Some("3"))]);
        let a = PathFilter::folder("plugins/a").with_globs(&[], &["**/*.md".into()]).unwrap();
        let b = PathFilter::folder("plugins/b");
        let c = PathFilter::folder("plugins/c").with_globs(&["shared/**".into()], &[]).unwrap();
        let packages = [
            PackageRange { filter: &a, tags: &[] },
            PackageRange { filter: &b, tags: &[] },
            PackageRange { filter: &c, tags: &[] },
        ];
        let (results, outside) = attribute(&r.repo(), &packages);
        assert_eq!(
            results[0],
            (None, vec!["refactor: a and b".into(), "fix: a only".into(), "feat: import".into()])
        );
        assert_eq!(
            results[1].1,
            ["refactor: a and b", "feat: b and the readme", "feat: import"],
            "the root commit changes all its files"
        );
        assert_eq!(results[2].1, ["feat: c appears", "fix: shared, included by c", "feat: import"]);
        assert_eq!(outside, ["docs: a's markdown, excluded", "docs: readme only"]);
    }

    #[test]
    fn each_package_counts_from_its_own_last_tag_in_the_one_walk() {
        let r = Repo::new();
        let root = r.commit("feat: import", &[("a/x", Some("1")), ("b/y", Some("1"))]);
        r.commit("fix: a before its release", &[("a/x", Some("2"))]);
        let released_a = r.commit("feat: b before a's release", &[("b/y", Some("2"))]);
        r.commit("fix: a after", &[("a/x", Some("3"))]);
        // A topic branch merged back: its commits belong by their own changes, the merge by its
        // first parent's diff.
        r.git(&["checkout", "-q", "-b", "topic"]);
        r.commit("feat: b on the topic", &[("b/y", Some("3"))]);
        r.git(&["checkout", "-q", "main"]);
        r.commit("fix: a on main", &[("a/x", Some("4"))]);
        r.git(&["merge", "-q", "--no-ff", "-m", "Merge topic", "topic"]);
        let repo = r.repo();
        let a_tags = [tag(&repo, "a--v1.1.0", "1.1.0", released_a), tag(&repo, "a--v1.0.0", "1.0.0", root)];
        let b_tags = [tag(&repo, "b--v1.0.0", "1.0.0", root)];
        let (a, b) = (PathFilter::folder("a"), PathFilter::folder("b"));
        let packages =
            [PackageRange { filter: &a, tags: &a_tags }, PackageRange { filter: &b, tags: &b_tags }];
        let (results, outside) = attribute(&repo, &packages);
        assert_eq!(
            results[0],
            (Some("a--v1.1.0".into()), vec!["fix: a on main".into(), "fix: a after".into()])
        );
        assert_eq!(
            results[1],
            (
                Some("b--v1.0.0".into()),
                vec![
                    "Merge topic".into(),
                    "feat: b on the topic".into(),
                    "feat: b before a's release".into()
                ]
            )
        );
        assert!(outside.is_empty(), "{outside:?}");
    }

    #[test]
    fn a_package_whose_highest_tag_head_lacks_falls_back_to_the_one_it_has() {
        let r = Repo::new();
        let root = r.commit("feat: import", &[("a/x", Some("1")), ("b/y", Some("1"))]);
        r.git(&["checkout", "-q", "-b", "elsewhere"]);
        let away = r.commit("feat: a elsewhere", &[("a/x", Some("9"))]);
        r.git(&["checkout", "-q", "main"]);
        r.commit("fix: a on main", &[("a/x", Some("2"))]);
        r.commit("fix: b on main", &[("b/y", Some("2"))]);
        let repo = r.repo();
        let a_tags = [tag(&repo, "a--v2.0.0", "2.0.0", away), tag(&repo, "a--v1.0.0", "1.0.0", root)];
        let b_tags = [tag(&repo, "b--v1.0.0", "1.0.0", root)];
        let (a, b) = (PathFilter::folder("a"), PathFilter::folder("b"));
        let packages =
            [PackageRange { filter: &a, tags: &a_tags }, PackageRange { filter: &b, tags: &b_tags }];
        let (results, _) = attribute(&repo, &packages);
        assert_eq!(results[0], (Some("a--v1.0.0".into()), vec!["fix: a on main".into()]));
        assert_eq!(results[1], (Some("b--v1.0.0".into()), vec!["fix: b on main".into()]));
    }

    #[test]
    fn a_folder_that_becomes_a_file_and_a_package_at_a_file_path_are_changes() {
        let r = Repo::new();
        r.commit("feat: import", &[("a/x", Some("1")), ("VERSION", Some("1"))]);
        r.commit("refactor: a becomes a file", &[("a", None)]);
        r.commit("refactor: a is a file", &[("a", Some("file"))]);
        r.commit("fix: version file", &[("VERSION", Some("2"))]);
        r.commit("chore: nothing", &[]);
        let (a, version) = (PathFilter::folder("a"), PathFilter::folder("VERSION"));
        let packages = [PackageRange { filter: &a, tags: &[] }, PackageRange { filter: &version, tags: &[] }];
        let (results, outside) = attribute(&r.repo(), &packages);
        assert_eq!(results[0].1, ["refactor: a is a file", "refactor: a becomes a file", "feat: import"]);
        assert_eq!(results[1].1, ["fix: version file", "feat: import"]);
        assert_eq!(outside, ["chore: nothing"]);
        assert!(r.path().join("a").is_file());
    }

    #[test]
    fn names_sort_as_git_sorts_them() {
        // `a.b` (file) < `a` (tree, compared as `a/`) < `a0` (file): '.' < '/' < '0'.
        assert_eq!(git_order(b"a.b", false, b"a", true), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(git_order(b"a", false, b"a.b", false), Ordering::Less);
        assert_eq!(git_order(b"a", false, b"a", true), Ordering::Less);
        assert!(Tree::parse(b"40000 a\0short".to_vec()).is_none());
    }
}
