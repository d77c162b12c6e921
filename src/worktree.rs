//! The work tree as one command reads it: each folder listed once, each file read once, and
//! every lookup answered from its folder's listing before the file system is asked.
//!
//! Detection probes about a hundred candidate paths in each package folder (nine agents'
//! manifest folders, every ecosystem's manifests, one and two folders down), and nearly all of
//! them do not exist; then the check reads the files detection found, and the marketplace policy
//! reads them again. A catalog of 300 plugins made that 37,000 `stat` calls (31,000 failing) and
//! each manifest read four times. A probe answered from a listing costs no system call: a folder
//! is read once, and a folder its parent's listing lacks is never read at all. The listing also
//! says which entries are symbolic links, which version files must not go through. Lookups are
//! exact (`Cargo.toml`, not `cargo.toml`), as in git, also on file systems that ignore case.
//!
//! A [`WorkTree`] belongs to one thread; one filled on another thread is merged with
//! [`WorkTree::absorb`]. It is a snapshot for a phase that writes nothing (detection, `vbump check`, the
//! policy pass); a release reads its files afresh. Whatever a listing cannot answer (a symbolic
//! link, a folder that cannot be listed) is asked of the file system, as without it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};

/// What a listing says an entry is (without following symbolic links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    File,
    Folder,
    /// A symbolic link, or an entry whose kind could not be read: ask the file system.
    Other,
}

/// A folder as far as the listings know.
#[derive(Debug, Clone)]
enum Folder {
    /// Its entries by name, sorted.
    Listed(Arc<BTreeMap<String, Kind>>),
    /// It does not exist (or is no folder).
    Absent,
    /// It could not be listed (permissions, a name that is not UTF-8): ask the file system.
    Unknown,
}

/// Whether a link to a folder counts as a sub-folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// It does: the folder a Cargo workspace names (`members = ["crates/*"]`) may be a link.
    Follow,
    /// It does not: git commits the link, not what it points to, so nothing behind it is ours to
    /// edit (detection's search for copies of the version).
    Skip,
}

/// The listings and files read so far, for one root.
#[derive(Debug)]
pub(crate) struct WorkTree {
    root: PathBuf,
    /// The files read, by path relative to the root (`None`: it does not exist).
    files: RefCell<HashMap<OsString, Option<Arc<FileBytes>>>>,
    /// By the folder's path (normalised, so equal paths are equal strings: hashing a `Path` walks
    /// its components, which cost more than the listings themselves).
    folders: RefCell<HashMap<OsString, Folder>>,
    /// False for a tree that lists nothing (see [`WorkTree::unlisted`]).
    lists: bool,
}

impl WorkTree {
    /// A tree that answers lookups from folder listings: for many lookups in the same folders
    /// (detection, a check of every package).
    pub(crate) fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
            files: RefCell::default(),
            folders: RefCell::default(),
            lists: true,
        }
    }

    /// A tree that asks the file system for each lookup and lists no folder: for a few files read
    /// once (one package's version files in a plan), where listing every folder on their way
    /// (the root, a `plugins/` of 300 entries) costs more than the lookups.
    pub(crate) fn unlisted(root: &Path) -> WorkTree {
        WorkTree { lists: false, ..WorkTree::new(root) }
    }

    /// The bytes of `file` (relative to the root) when it is a regular file, read once; `None` when
    /// it does not exist. See [`read_regular`] for what is refused.
    pub(crate) fn read(&self, file: &Path) -> Result<Option<Arc<FileBytes>>> {
        if let Some(known) = self.files.borrow().get(file.as_os_str()) {
            return Ok(known.clone());
        }
        let read = if self.may_exist(file) { read_regular(&self.root, file)?.map(Arc::new) } else { None };
        self.files.borrow_mut().insert(file.as_os_str().to_owned(), read.clone());
        Ok(read)
    }

    /// Like [`WorkTree::read`] for a file the user named (a configured location): a listing's
    /// "not there" is confirmed by the file system, which may find `Package.json` for
    /// `package.json` where it ignores case. Detection's guesses need no such confirmation.
    pub(crate) fn read_named(&self, file: &Path) -> Result<Option<Arc<FileBytes>>> {
        match self.read(file)? {
            Some(read) => Ok(Some(read)),
            None => Ok(read_regular(&self.root, file)?.map(Arc::new)),
        }
    }

    /// The first part of `file` (relative to the root) that is a symbolic link, if one is.
    pub(crate) fn link_on_the_way(&self, file: &Path) -> Option<PathBuf> {
        let mut path = PathBuf::new();
        for component in file.components().filter(|c| *c != Component::CurDir) {
            path.push(component);
            let is_link = match self.entry(&path) {
                // A listing read without following links: a file or folder there is no link.
                Some(Some(Kind::File | Kind::Folder)) => false,
                // Not listed under that exact name, or not listable: the file system says.
                Some(Some(Kind::Other) | None) | None => std::fs::symlink_metadata(self.root.join(&path))
                    .is_ok_and(|meta| meta.file_type().is_symlink()),
            };
            if is_link {
                return Some(path);
            }
        }
        None
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Takes over what `other` (a work tree of the same root, filled on another thread) has read
    /// and `self` has not.
    pub(crate) fn absorb(&self, other: WorkTree) {
        debug_assert_eq!(self.root, other.root);
        let mut files = self.files.borrow_mut();
        for (file, read) in other.files.into_inner() {
            files.entry(file).or_insert(read);
        }
        let mut folders = self.folders.borrow_mut();
        for (folder, listing) in other.folders.into_inner() {
            folders.entry(folder).or_insert(listing);
        }
    }

    /// False when the listings show that `file` (relative to the root) does not exist; true when it
    /// exists or they cannot tell.
    pub(crate) fn may_exist(&self, file: &Path) -> bool {
        match self.entry(file) {
            Some(kind) => kind.is_some(),
            None => true,
        }
    }

    /// True when `file` (relative to the root) is a regular file, or a link to one.
    pub(crate) fn is_file(&self, file: &Path) -> bool {
        match self.entry(file) {
            Some(Some(Kind::File)) => true,
            Some(None | Some(Kind::Folder)) => false,
            Some(Some(Kind::Other)) | None => self.root.join(file).is_file(),
        }
    }

    /// The entries of `folder` (relative to the root), sorted by name, each with its kind; empty
    /// when it does not exist or cannot be listed.
    pub(crate) fn entries(&self, folder: &Path) -> Vec<(String, Kind)> {
        match self.folder(folder) {
            Folder::Listed(entries) => entries.iter().map(|(name, kind)| (name.clone(), *kind)).collect(),
            Folder::Absent => Vec::new(),
            // A name that is not UTF-8, or an entry that cannot be read: what can be read, lossily.
            Folder::Unknown => {
                let Ok(entries) = std::fs::read_dir(self.root.join(folder)) else { return Vec::new() };
                let mut entries: Vec<(String, Kind)> = entries
                    .flatten()
                    .map(|entry| (entry.file_name().to_string_lossy().into_owned(), Kind::Other))
                    .collect();
                entries.sort();
                entries
            }
        }
    }

    /// The sub-folders of `folder`, sorted by name; links to folders too with [`Links::Follow`].
    pub(crate) fn subfolders(&self, folder: &Path, links: Links) -> Vec<String> {
        self.entries(folder)
            .into_iter()
            .filter(|(name, kind)| match kind {
                Kind::Folder => true,
                Kind::File => false,
                Kind::Other => {
                    let path = self.root.join(folder).join(name);
                    match links {
                        Links::Follow => path.is_dir(),
                        Links::Skip => std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir()),
                    }
                }
            })
            .map(|(name, _)| name)
            .collect()
    }

    /// What the listing of `file`'s folder says about it: `Some(None)` when it is not there,
    /// `None` when the listings cannot tell.
    fn entry(&self, file: &Path) -> Option<Option<Kind>> {
        let (parent, name) = split_clean(file)?;
        match self.folder(parent) {
            Folder::Listed(entries) => Some(entries.get(name).copied()),
            Folder::Absent => Some(None),
            Folder::Unknown => None,
        }
    }

    /// The listing of `folder`, read on first use. A folder missing from its parent's listing is
    /// absent without asking.
    fn folder(&self, folder: &Path) -> Folder {
        if !self.lists {
            return Folder::Unknown;
        }
        if let Some(known) = self.folders.borrow().get(folder.as_os_str()) {
            return known.clone();
        }
        let known = match self.entry(folder) {
            // Not kept: the parent's listing says it again at the cost of a lookup, and most
            // probes are of folders that do not exist (`.codex-plugin/` in every subfolder).
            Some(None | Some(Kind::File)) => return Folder::Absent,
            Some(Some(Kind::Folder | Kind::Other)) | None => self.list(folder),
        };
        self.folders.borrow_mut().insert(folder.as_os_str().to_owned(), known.clone());
        known
    }

    fn list(&self, folder: &Path) -> Folder {
        let entries = match std::fs::read_dir(self.root.join(folder)) {
            Ok(entries) => entries,
            Err(e)
                if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) =>
            {
                return Folder::Absent;
            }
            Err(_) => return Folder::Unknown,
        };
        let mut listing = BTreeMap::new();
        for entry in entries {
            let Ok(entry) = entry else { return Folder::Unknown };
            // A name that is not UTF-8 cannot be looked up by the `&str` names detection uses.
            let Ok(name) = entry.file_name().into_string() else { return Folder::Unknown };
            let kind = match entry.file_type() {
                Ok(t) if t.is_file() => Kind::File,
                Ok(t) if t.is_dir() => Kind::Folder,
                _ => Kind::Other,
            };
            listing.insert(name, kind);
        }
        Folder::Listed(Arc::new(listing))
    }
}

/// True when `path` is relative and every part of it is a name: no `.`, `..`, empty part, root
/// or drive (no `:` at all, which only costs a name with a colon the slower way). Such a path
/// names one entry by a chain of listings, and is `normalise`d already.
pub(crate) fn is_clean(path: &Path) -> bool {
    path.to_str().is_some_and(|text| {
        text.is_empty() || (!text.contains(':') && text.split(std::path::is_separator).all(is_name))
    })
}

/// A clean, non-empty path (see [`is_clean`]) as its folder and its name.
fn split_clean(path: &Path) -> Option<(&Path, &str)> {
    let text = path.to_str()?;
    let (parent, name) = match text.rfind(std::path::is_separator) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => ("", text),
    };
    (is_name(name) && is_clean(Path::new(parent))).then_some((Path::new(parent), name))
}

fn is_name(part: &str) -> bool {
    !matches!(part, "" | "." | "..")
}

/// A file's bytes as read, and whether its permissions forbid writing.
#[derive(Debug, Clone)]
pub(crate) struct FileBytes {
    pub(crate) bytes: Vec<u8>,
    pub(crate) read_only: bool,
}

/// Reads `root/file` when it is a regular file; `None` when it does not exist. A FIFO, socket or
/// device is an error: reading a FIFO would block forever, and vbump could not replace one.
pub(crate) fn read_regular(root: &Path, file: &Path) -> Result<Option<FileBytes>> {
    let path = root.join(file);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        // Below a file (`a.json/x.json`) nothing can exist either.
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) => return Err(Error::input(format!("cannot read version file: {e}")).in_file(file)),
    };
    if !meta.is_file() {
        let kind = if meta.is_dir() { "a folder" } else { "not a regular file (a FIFO, socket or device)" };
        return Err(Error::input(format!("the version file is {kind}"))
            .in_file(file)
            .hint("point the location at a regular file"));
    }
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(FileBytes { bytes, read_only: meta.permissions().readonly() })),
        Err(e) => Err(Error::input(format!("cannot read version file: {e}")).in_file(file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_unlisted_tree_asks_the_file_system_and_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/v.json"), "{}").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
        let tree = WorkTree::unlisted(dir.path());
        assert!(tree.may_exist(Path::new("real/late.json")));
        std::fs::write(dir.path().join("real/late.json"), "[]").unwrap();
        assert_eq!(tree.read(Path::new("real/late.json")).unwrap().unwrap().bytes, b"[]");
        assert_eq!(tree.link_on_the_way(Path::new("linked/v.json")), Some(PathBuf::from("linked")));
        assert_eq!(tree.link_on_the_way(Path::new("real/v.json")), None);
        assert!(tree.is_file(Path::new("linked/v.json")));
        assert!(tree.folders.borrow().is_empty(), "no folder was listed");
    }

    #[test]
    fn a_named_file_the_listing_lacks_is_looked_for_on_disk() {
        // Stands for a file system that ignores case (`Package.json` named as `package.json`):
        // the listing says "not there", and only a file the user named is looked for anyway.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        let tree = WorkTree::new(dir.path());
        assert!(!tree.may_exist(Path::new("a/late.json")));
        std::fs::write(dir.path().join("a/late.json"), "{}").unwrap();
        assert!(tree.read(Path::new("a/late.json")).unwrap().is_none());
        assert_eq!(tree.read_named(Path::new("a/late.json")).unwrap().unwrap().bytes, b"{}");
        assert!(tree.read_named(Path::new("a/none.json")).unwrap().is_none());
    }

    #[test]
    fn listings_answer_for_files_folders_and_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/file.json"), "{}").unwrap();
        let tree = WorkTree::new(dir.path());
        assert!(tree.is_file(Path::new("a/file.json")));
        assert!(!tree.is_file(Path::new("a/b")));
        assert!(tree.may_exist(Path::new("a/b")));
        assert!(!tree.may_exist(Path::new("a/missing.json")));
        // Below a missing folder, and below a file: nothing, without listing anything more.
        assert!(!tree.may_exist(Path::new("x/y/z.json")));
        assert!(!tree.may_exist(Path::new("a/file.json/z.json")));
        assert_eq!(tree.subfolders(Path::new("a"), Links::Follow), ["b"]);
        assert_eq!(
            tree.entries(Path::new("a")),
            [("b".to_string(), Kind::Folder), ("file.json".to_string(), Kind::File)]
        );
        assert!(tree.entries(Path::new("nowhere")).is_empty());
        // A path the listings cannot name is left to the file system.
        assert!(tree.may_exist(Path::new("a/../a/file.json")));
        assert!(tree.may_exist(Path::new("")));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_by_asking_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/plugin.json"), "{}").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real/plugin.json"), dir.path().join("file-link"))
            .unwrap();
        let tree = WorkTree::new(dir.path());
        assert!(tree.is_file(Path::new("linked/plugin.json")));
        assert!(tree.is_file(Path::new("file-link")));
        assert_eq!(tree.subfolders(Path::new(""), Links::Follow), ["linked", "real"]);
        assert_eq!(tree.subfolders(Path::new(""), Links::Skip), ["real"]);
    }
}

/// The shapes a listing cannot answer alone (links, FIFOs, names that are not UTF-8, paths with
/// `.` or `..`), and the snapshot a tree is. Not covered: a folder that cannot be listed or
/// searched (permissions), because the tests run as root, who can list and search every folder.
#[cfg(all(test, unix))]
mod edge_cases {
    use std::os::unix::fs::symlink;

    use super::*;

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn text(read: Result<Option<Arc<FileBytes>>>) -> Option<String> {
        read.unwrap().map(|file| String::from_utf8(file.bytes.clone()).unwrap())
    }

    #[test]
    fn the_first_linked_part_of_a_path_is_named_and_reading_goes_through_it() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "real/.claude-plugin/plugin.json", "{}");
        symlink(dir.path().join("real"), dir.path().join("linked")).unwrap();
        symlink(dir.path().join("real/.claude-plugin/plugin.json"), dir.path().join("real/file-link"))
            .unwrap();
        let tree = WorkTree::new(dir.path());
        assert_eq!(tree.link_on_the_way(Path::new("real/.claude-plugin/plugin.json")), None);
        assert_eq!(
            tree.link_on_the_way(Path::new("linked/.claude-plugin/plugin.json")),
            Some(PathBuf::from("linked"))
        );
        assert_eq!(tree.link_on_the_way(Path::new("real/file-link")), Some(PathBuf::from("real/file-link")));
        assert_eq!(tree.link_on_the_way(Path::new("missing/plugin.json")), None);
        // Asked after the listings were read: still a link.
        assert!(tree.link_on_the_way(Path::new("./linked/.claude-plugin/plugin.json")).is_some());
        // The listing does not follow links; reading does (detection reads through a link, and the
        // version file check refuses it by the name above).
        assert!(tree.entries(Path::new("")).contains(&("linked".to_string(), Kind::Other)));
        assert_eq!(text(tree.read(Path::new("linked/.claude-plugin/plugin.json"))).as_deref(), Some("{}"));
        assert!(tree.is_file(Path::new("real/file-link")));
    }

    #[test]
    fn a_dangling_link_is_absent_and_a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        symlink(dir.path().join("nowhere"), dir.path().join("dangling")).unwrap();
        symlink(dir.path().join("loop"), dir.path().join("loop")).unwrap();
        let tree = WorkTree::new(dir.path());
        assert!(tree.may_exist(Path::new("dangling")));
        assert!(!tree.is_file(Path::new("dangling")));
        assert_eq!(text(tree.read(Path::new("dangling"))), None);
        assert!(!tree.is_file(Path::new("loop/plugin.json")));
        let error = tree.read(Path::new("loop/plugin.json")).unwrap_err();
        assert!(error.message.starts_with("cannot read version file: "), "{}", error.message);
        assert!(tree.subfolders(Path::new(""), Links::Follow).is_empty());
    }

    #[test]
    fn a_fifo_is_refused_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let status =
            std::process::Command::new("mkfifo").arg(dir.path().join("package.json")).status().unwrap();
        assert!(status.success());
        let tree = WorkTree::new(dir.path());
        assert_eq!(tree.entries(Path::new("")), [("package.json".to_string(), Kind::Other)]);
        assert!(!tree.is_file(Path::new("package.json")));
        // Opening a FIFO for reading would block this test forever.
        let error = tree.read(Path::new("package.json")).unwrap_err();
        assert_eq!(error.message, "the version file is not a regular file (a FIFO, socket or device)");
    }

    #[test]
    fn a_name_that_is_not_utf8_leaves_only_its_own_folder_to_the_file_system() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "odd/plugin.json", "{\"version\": \"1.0.0\"}");
        write(dir.path(), "odd/sub/package.json", "{}");
        write(dir.path(), "plain/plugin.json", "{}");
        std::fs::write(dir.path().join("odd").join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "").unwrap();
        std::fs::create_dir(dir.path().join("odd").join(std::ffi::OsStr::from_bytes(b"z\xff"))).unwrap();
        let tree = WorkTree::new(dir.path());
        assert!(tree.is_file(Path::new("odd/plugin.json")));
        assert!(!tree.is_file(Path::new("odd/missing.json")));
        assert_eq!(
            text(tree.read(Path::new("odd/plugin.json"))).as_deref(),
            Some("{\"version\": \"1.0.0\"}")
        );
        assert_eq!(text(tree.read(Path::new("odd/missing.json"))), None);
        assert!(tree.is_file(Path::new("odd/sub/package.json")));
        // The odd names are listed lossily; a folder named so cannot be entered by that name.
        assert_eq!(tree.subfolders(Path::new("odd"), Links::Follow), ["sub"]);
        assert!(tree.entries(Path::new("odd")).iter().any(|(name, _)| name == "caf\u{fffd}.txt"));
        // Its neighbours are listed as usual.
        assert!(!tree.may_exist(Path::new("plain/missing.json")));
        assert!(tree.is_file(Path::new("plain/plugin.json")));
    }

    #[test]
    fn a_path_below_a_regular_file_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.json", "{}");
        let tree = WorkTree::new(dir.path());
        assert!(!tree.may_exist(Path::new("a.json/x.json")));
        assert_eq!(text(tree.read(Path::new("a.json/x.json"))), None);
        assert!(tree.subfolders(Path::new("a.json"), Links::Follow).is_empty());
    }

    #[test]
    fn paths_with_dot_or_dot_dot_read_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "sub/a.json", "{}");
        let tree = WorkTree::new(dir.path());
        for path in ["sub/a.json", "./sub/a.json", "sub/./a.json", "sub/../sub/a.json"] {
            assert_eq!(text(tree.read(Path::new(path))).as_deref(), Some("{}"), "{path}");
            assert!(tree.is_file(Path::new(path)), "{path}");
        }
        assert_eq!(text(tree.read(Path::new("./sub/missing.json"))), None);
    }

    #[test]
    fn a_tree_answers_as_first_read_and_a_new_tree_sees_changes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.json", "1");
        let tree = WorkTree::new(dir.path());
        assert_eq!(text(tree.read(Path::new("a.json"))).as_deref(), Some("1"));
        assert!(!tree.may_exist(Path::new("b.json")));
        write(dir.path(), "a.json", "2");
        write(dir.path(), "b.json", "new");
        assert_eq!(text(tree.read(Path::new("a.json"))).as_deref(), Some("1"));
        assert_eq!(text(tree.read(Path::new("b.json"))), None);
        let fresh = WorkTree::new(dir.path());
        assert_eq!(text(fresh.read(Path::new("a.json"))).as_deref(), Some("2"));
        assert_eq!(text(fresh.read(Path::new("b.json"))).as_deref(), Some("new"));
    }
}
