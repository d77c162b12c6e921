//! The release journal in `.git/vbump/`: what a release is about to do, written before each step,
//! so that `vbump recover` can finish or undo it after a crash.
//!
//! `journal.json` holds the plan's facts (branch, original commit, tag, files, remote) and the
//! step reached; `backup` holds the original bytes of every file (one file, so one fsync however
//! many version files there are: each entry is its length as 8 little-endian bytes, then the bytes). Every write goes to a temp
//! file, is fsynced and renamed, and the directory is fsynced: a crash leaves the previous journal
//! or the new one, never half of one. The journal is removed when the release reaches a clean
//! state (released, or rolled back).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The layout version of `journal.json`. Format 2 lists the release's tags (`tags`); format 1 (one
/// `tag` and its `version`) is still read, so a release interrupted by an older vbump recovers.
/// A journal of any other format is refused.
const FORMAT: u32 = 2;

/// How far a release got. Each step is recorded before it is attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Backups are taken; files are being written.
    WritingFiles,
    /// Files are written; the release commit is being made.
    Committing,
    /// The release commit exists (`release_commit`); the tag is being made.
    Tagging,
    /// Commit and tag exist locally; the atomic push is under way.
    Pushing,
}

/// The journal of one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Journal {
    pub format: u32,
    /// The branch being released.
    pub branch: String,
    /// The commit the branch pointed at before the release.
    pub original_head: String,
    /// The tags the release creates, all pointing at the release commit and pushed together.
    pub tags: Vec<String>,
    /// Files the release writes, relative to the work tree; entry n of `backup` holds file n's bytes.
    pub files: Vec<PathBuf>,
    /// The remote pushed to, `None` for a local release.
    pub remote: Option<String>,
    /// The release commit's message: identifies the commit if the process died before recording it.
    #[serde(default)]
    pub message: String,
    /// The release commit, once made.
    pub release_commit: Option<String>,
    pub step: Step,
}

/// Where a repository keeps its journal.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The journal store inside `git_dir` (the `.git` directory).
    pub fn new(git_dir: &Path) -> Store {
        Store { dir: git_dir.join("vbump") }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("journal.json")
    }

    /// The directory holding the journal, for messages.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file holding every original.
    pub fn backup(&self) -> PathBuf {
        self.dir.join("backup")
    }

    /// True when an unfinished release left its journal.
    pub fn exists(&self) -> bool {
        self.path().exists()
    }

    /// Starts a journal: saves each file's original bytes, then the journal itself.
    pub fn begin(&self, journal: &Journal, originals: &[&[u8]]) -> Result<()> {
        if self.exists() {
            return Err(unfinished(&self.path()));
        }
        fs::create_dir_all(&self.dir).map_err(|e| io_error("cannot create", &self.dir, &e))?;
        let mut backup = Vec::with_capacity(originals.iter().map(|o| o.len() + 8).sum());
        for bytes in originals {
            backup.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            backup.extend_from_slice(bytes);
        }
        // The backup's bytes are durable before the journal that points at it exists; the
        // journal's directory sync below makes both names durable.
        write_durably(&self.backup(), &backup, false)?;
        self.write(journal, true)
    }

    /// Records `journal` (its new step), replacing the previous record atomically.
    ///
    /// Only the first record syncs the directory. A later record lost to a power cut leaves an
    /// earlier step on disk, which is safe: recovery finds the release commit from the branch
    /// (its parent and message), not only from the record.
    pub fn record(&self, journal: &Journal) -> Result<()> {
        self.write(journal, false)
    }

    fn write(&self, journal: &Journal, sync_dir: bool) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(journal).expect("a journal always serialises");
        text.push(b'\n');
        write_durably(&self.path(), &text, sync_dir)
    }

    /// Reads the journal, `None` when there is none.
    pub fn load(&self) -> Result<Option<Journal>> {
        let path = self.path();
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("cannot read", &path, &e)),
        };
        let unreadable = |e: serde_json::Error| {
            Error::input(format!("the release journal is unreadable: {e}"))
                .in_file(&path)
                .hint(format!("inspect it; if no release is under way, delete `{}`", self.dir.display()))
        };
        let Versioned { format } = serde_json::from_slice(&text).map_err(unreadable)?;
        match format {
            FORMAT => Ok(Some(serde_json::from_slice(&text).map_err(unreadable)?)),
            1 => Ok(Some(serde_json::from_slice::<JournalV1>(&text).map_err(unreadable)?.upgrade())),
            other => Err(Error::input(format!(
                "the release journal has format {other}, this vbump reads formats 1 and {FORMAT}"
            ))
            .in_file(&path)
            .hint("run `vbump recover` with the vbump version that started the release")),
        }
    }

    /// The original bytes of the `index`-th file.
    pub fn original(&self, index: usize) -> Result<Vec<u8>> {
        let path = self.backup();
        let backup = fs::read(&path).map_err(|e| io_error("cannot read the backup", &path, &e))?;
        let mut rest = backup.as_slice();
        let mut current = 0;
        loop {
            let (length, after) = rest.split_at_checked(8).ok_or_else(|| truncated(&path))?;
            let length = usize::try_from(u64::from_le_bytes(length.try_into().expect("8 bytes")))
                .map_err(|_| truncated(&path))?;
            let (bytes, after) = after.split_at_checked(length).ok_or_else(|| truncated(&path))?;
            if current == index {
                return Ok(bytes.to_vec());
            }
            rest = after;
            current += 1;
        }
    }

    /// Removes the journal and its backups: the release is in a clean state.
    pub fn finish(&self) -> Result<()> {
        // The journal goes first: backups without a journal are harmless leftovers, a journal
        // without backups could not restore anything.
        match fs::remove_file(self.path()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("cannot remove", &self.path(), &e)),
        }
        sync_directory(&self.dir);
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

/// Just the `format` field, read first to pick the layout.
#[derive(Deserialize)]
struct Versioned {
    format: u32,
}

/// Format 1: one tag. Read only, and upgraded on load.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct JournalV1 {
    branch: String,
    original_head: String,
    tag: String,
    files: Vec<PathBuf>,
    remote: Option<String>,
    #[serde(default)]
    message: String,
    release_commit: Option<String>,
    step: Step,
}

impl JournalV1 {
    fn upgrade(self) -> Journal {
        Journal {
            format: FORMAT,
            branch: self.branch,
            original_head: self.original_head,
            tags: vec![self.tag],
            files: self.files,
            remote: self.remote,
            message: self.message,
            release_commit: self.release_commit,
            step: self.step,
        }
    }
}

impl Journal {
    /// A journal for a release creating `tags` on `branch` from `original_head`.
    pub(crate) fn new(branch: &str, original_head: &str, tags: Vec<String>) -> Journal {
        Journal {
            format: FORMAT,
            branch: branch.to_string(),
            original_head: original_head.to_string(),
            tags,
            files: Vec::new(),
            remote: None,
            message: String::new(),
            release_commit: None,
            step: Step::WritingFiles,
        }
    }

    /// The release's tags for messages: `v1.3.0`, or `a-v1.0.0, b-v2.0.0`.
    pub(crate) fn tag_list(&self) -> String {
        self.tags.join(", ")
    }
}

fn truncated(path: &Path) -> Error {
    Error::input(format!("the backup `{}` is truncated", path.display()))
        .hint("restore the release's files with `git checkout -- <file>` and remove the journal directory")
}

/// The error for a release started while another one's journal exists.
pub fn unfinished(path: &Path) -> Error {
    Error::input(format!("an interrupted release left its journal at `{}`", path.display()))
        .hint("run `vbump recover` to finish or undo it, then run vbump again")
}

/// Writes `bytes` to `path` through a synced temp file and a rename, then (with `sync_dir`) syncs
/// the directory so the new name survives a power cut.
fn write_durably(path: &Path, bytes: &[u8], sync_dir: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let write = || -> std::io::Result<()> {
        let temp = path.with_extension("tmp");
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    };
    write().map_err(|e| io_error("cannot write", path, &e))?;
    if sync_dir {
        sync_directory(dir);
    }
    Ok(())
}

/// Fsyncs a directory so a rename in it is durable (best effort where unsupported).
fn sync_directory(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::input(format!("{what} `{}`: {e}", path.display()))
        .hint("check the permissions of the .git directory and that the disk is not full")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begin_record_load_finish_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert_eq!(store.load().unwrap(), None);
        let mut journal = Journal::new("main", "abc", vec!["v1.3.0".into()]);
        journal.files = vec!["Cargo.toml".into(), "pkg/package.json".into()];
        store.begin(&journal, &[b"one", b"two\r\n"]).unwrap();
        assert!(store.exists());
        assert_eq!(store.original(0).unwrap(), b"one");
        assert_eq!(store.original(1).unwrap(), b"two\r\n");
        assert!(store.original(2).unwrap_err().message.contains("truncated"));
        journal.step = Step::Tagging;
        journal.release_commit = Some("def".into());
        store.record(&journal).unwrap();
        assert_eq!(store.load().unwrap(), Some(journal.clone()));
        // A second release refuses to start over an unfinished one.
        let e = store.begin(&journal, &[]).unwrap_err();
        assert!(e.message.contains("interrupted release"), "{e}");
        store.finish().unwrap();
        assert_eq!(store.load().unwrap(), None);
        assert!(!dir.path().join("vbump").exists());
        store.finish().unwrap();
    }

    #[test]
    fn a_format_1_journal_is_read_as_one_tag() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("vbump")).unwrap();
        let v1 = r#"{"format": 1, "branch": "main", "original-head": "abc", "version": "1.3.0",
            "tag": "v1.3.0", "files": ["Cargo.toml"], "remote": "origin", "message": "chore(release): v1.3.0",
            "release-commit": null, "step": "committing"}"#;
        fs::write(dir.path().join("vbump/journal.json"), v1).unwrap();
        let journal = Store::new(dir.path()).load().unwrap().unwrap();
        let mut expected = Journal::new("main", "abc", vec!["v1.3.0".into()]);
        expected.files = vec!["Cargo.toml".into()];
        expected.remote = Some("origin".into());
        expected.message = "chore(release): v1.3.0".into();
        expected.step = Step::Committing;
        assert_eq!(journal, expected);
    }

    #[test]
    fn a_journal_of_an_unknown_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("vbump")).unwrap();
        fs::write(dir.path().join("vbump/journal.json"), r#"{"format": 3}"#).unwrap();
        let e = Store::new(dir.path()).load().unwrap_err();
        assert!(e.message.contains("format 3, this vbump reads formats 1 and 2"), "{e}");
    }

    #[test]
    fn a_corrupt_journal_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("vbump")).unwrap();
        fs::write(dir.path().join("vbump/journal.json"), "{ not json").unwrap();
        let e = Store::new(dir.path()).load().unwrap_err();
        assert!(e.to_string().contains("journal.json: the release journal is unreadable"), "{e}");
    }
}
