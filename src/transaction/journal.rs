//! The release journal in `.git/vbump/`: what a release is about to do, written before each step,
//! so that `vbump recover` can finish or undo it after a crash.
//!
//! `journal.json` holds the plan's facts (branch, original commit, tag, files, remote) and the
//! step reached; `backup/<n>` holds the original bytes of the n-th file. Every write goes to a temp
//! file, is fsynced and renamed, and the directory is fsynced: a crash leaves the previous journal
//! or the new one, never half of one. The journal is removed when the release reaches a clean
//! state (released, or rolled back).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The layout version of `journal.json`; a journal from another version is refused.
const FORMAT: u32 = 1;

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
    /// The version being released and its tag.
    pub version: String,
    pub tag: String,
    /// Files the release writes, relative to the work tree; `backup/<n>` holds file n's bytes.
    pub files: Vec<PathBuf>,
    /// The remote pushed to, `None` for a local release.
    pub remote: Option<String>,
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

    /// The backup of the `index`-th file.
    pub fn backup(&self, index: usize) -> PathBuf {
        self.dir.join("backup").join(index.to_string())
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
        let backups = self.dir.join("backup");
        fs::create_dir_all(&backups).map_err(|e| io_error("cannot create", &backups, &e))?;
        for (index, bytes) in originals.iter().enumerate() {
            write_durably(&self.backup(index), bytes)?;
        }
        self.record(journal)
    }

    /// Records `journal` (its new step) durably, replacing the previous record.
    pub fn record(&self, journal: &Journal) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(journal).expect("a journal always serialises");
        text.push(b'\n');
        write_durably(&self.path(), &text)
    }

    /// Reads the journal, `None` when there is none.
    pub fn load(&self) -> Result<Option<Journal>> {
        let path = self.path();
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("cannot read", &path, &e)),
        };
        let journal: Journal = serde_json::from_slice(&text).map_err(|e| {
            Error::input(format!("the release journal is unreadable: {e}"))
                .in_file(&path)
                .hint(format!("inspect it; if no release is under way, delete `{}`", self.dir.display()))
        })?;
        if journal.format != FORMAT {
            return Err(Error::input(format!(
                "the release journal has format {}, this vbump reads format {FORMAT}",
                journal.format
            ))
            .in_file(&path)
            .hint("run `vbump recover` with the vbump version that started the release"));
        }
        Ok(Some(journal))
    }

    /// The original bytes of the `index`-th file.
    pub fn original(&self, index: usize) -> Result<Vec<u8>> {
        let path = self.backup(index);
        fs::read(&path).map_err(|e| io_error("cannot read the backup", &path, &e))
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
        sync_dir(&self.dir);
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Journal {
    /// A journal for a release of `version` as `tag` on `branch` from `original_head`.
    pub fn new(branch: &str, original_head: &str, version: &str, tag: &str) -> Journal {
        Journal {
            format: FORMAT,
            branch: branch.to_string(),
            original_head: original_head.to_string(),
            version: version.to_string(),
            tag: tag.to_string(),
            files: Vec::new(),
            remote: None,
            release_commit: None,
            step: Step::WritingFiles,
        }
    }
}

/// The error for a release started while another one's journal exists.
pub fn unfinished(path: &Path) -> Error {
    Error::input(format!("an interrupted release left its journal at `{}`", path.display()))
        .hint("run `vbump recover` to finish or undo it, then run vbump again")
}

/// Writes `bytes` to `path` through a synced temp file and a rename, then syncs the directory.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let write = || -> std::io::Result<()> {
        let temp = path.with_extension("tmp");
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    };
    write().map_err(|e| io_error("cannot write", path, &e))?;
    sync_dir(dir);
    Ok(())
}

/// Fsyncs a directory so a rename in it is durable (best effort where unsupported).
fn sync_dir(dir: &Path) {
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
        let mut journal = Journal::new("main", "abc", "1.3.0", "v1.3.0");
        journal.files = vec!["Cargo.toml".into(), "pkg/package.json".into()];
        store.begin(&journal, &[b"one", b"two\r\n"]).unwrap();
        assert!(store.exists());
        assert_eq!(store.original(1).unwrap(), b"two\r\n");
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
    fn a_corrupt_journal_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("vbump")).unwrap();
        fs::write(dir.path().join("vbump/journal.json"), "{ not json").unwrap();
        let e = Store::new(dir.path()).load().unwrap_err();
        assert!(e.to_string().contains("journal.json: the release journal is unreadable"), "{e}");
    }
}
