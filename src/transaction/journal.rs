//! The release journal in `.git/vbump/`: what a release is about to do, written before each step,
//! so that `vbump recover` can finish or undo it after a crash.
//!
//! `journal.json` holds the plan's facts (branch, original commit, tag, files, remote) and the
//! step reached; `backup` holds the original bytes of every file (one file, so one fsync however
//! many version files there are: each entry is its length as 8 little-endian bytes, then the bytes). Every write goes to a temp
//! file, is fsynced and renamed, and the directory is fsynced: a crash leaves the previous journal
//! or the new one, never half of one. The journal is removed when the release reaches a clean
//! state (released, or rolled back).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil;

/// The layout version of `journal.json`. Format 2 lists the release's tags (`tags`); format 1 (one
/// `tag` and its `version`) is still read, so a release interrupted by an older vbump recovers.
/// A journal of any other format is refused.
const FORMAT: u32 = 2;

/// How far a release got. Each step is recorded before it is attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Step {
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
pub(crate) struct Journal {
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
pub(crate) struct Store {
    dir: PathBuf,
}

impl Store {
    /// The journal store inside `git_dir` (the `.git` directory).
    pub(crate) fn new(git_dir: &Path) -> Store {
        Store { dir: git_dir.join("vbump") }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("journal.json")
    }

    /// The directory holding the journal, for messages.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file holding every original.
    pub(crate) fn backup(&self) -> PathBuf {
        self.dir.join("backup")
    }

    /// True when an unfinished release left its journal.
    pub(crate) fn exists(&self) -> bool {
        self.path().exists()
    }

    /// The file holding the bytes the release writes (same layout as the backup): undoing
    /// restores a file only while it still holds exactly these.
    pub(crate) fn written_path(&self) -> PathBuf {
        self.dir.join("written")
    }

    /// Starts a journal: saves each file's original bytes and the bytes the release will write,
    /// then the journal itself.
    pub(crate) fn begin(&self, journal: &Journal, originals: &[&[u8]], written: &[&[u8]]) -> Result<()> {
        if self.exists() {
            return Err(unfinished(&self.path()));
        }
        fs::create_dir_all(&self.dir).map_err(|e| io_error("cannot create", &self.dir, &e))?;
        // Both are durable before the journal that points at them exists; the journal's
        // directory sync below makes all three names durable.
        write_durably(&self.backup(), &entries(originals), false)?;
        write_durably(&self.written_path(), &entries(written), false)?;
        self.write(journal, true)
    }

    /// Records `journal` (its new step), replacing the previous record atomically.
    ///
    /// Only the first record syncs the directory. A later record lost to a power cut leaves an
    /// earlier step on disk, which is safe: recovery finds the release commit from the branch
    /// (its parent and message), not only from the record.
    pub(crate) fn record(&self, journal: &Journal) -> Result<()> {
        self.write(journal, false)
    }

    fn write(&self, journal: &Journal, sync_dir: bool) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(journal).expect("a journal always serialises");
        text.push(b'\n');
        write_durably(&self.path(), &text, sync_dir)
    }

    /// Reads the journal, `None` when there is none.
    pub(crate) fn load(&self) -> Result<Option<Journal>> {
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
        let journal: Journal = match format {
            FORMAT => serde_json::from_slice(&text).map_err(unreadable)?,
            1 => serde_json::from_slice::<JournalV1>(&text).map_err(unreadable)?.upgrade(),
            other => {
                return Err(Error::input(format!(
                    "the release journal has format {other}, this vbump reads formats 1 and {FORMAT}"
                ))
                .in_file(&path)
                .hint("run `vbump recover` with the vbump version that started the release"));
            }
        };
        journal.validate().map_err(|why| {
            Error::input(format!("the release journal cannot be trusted: {why}; nothing was changed"))
                .in_file(&path)
                .hint(format!(
                    "vbump did not write this journal; if no release is under way, remove it: `rm -r {}`",
                    self.dir.display()
                ))
        })?;
        Ok(Some(journal))
    }

    /// The original bytes of the `index`-th file.
    pub(crate) fn original(&self, index: usize) -> Result<Vec<u8>> {
        entry(&self.backup(), index)
    }

    /// The bytes the release wrote to the `index`-th file; `None` for a journal written before
    /// vbump recorded them.
    pub(crate) fn written(&self, index: usize) -> Result<Option<Vec<u8>>> {
        let path = self.written_path();
        if !path.exists() {
            return Ok(None);
        }
        entry(&path, index).map(Some)
    }

    /// Removes what an interrupted run left in the journal directory besides a journal (backups,
    /// temp files of a write cut short); returns whether there was anything. Only called when
    /// there is no journal: then nothing refers to them.
    pub(crate) fn remove_leftovers(&self) -> bool {
        if self.exists() || !self.dir.exists() {
            return false;
        }
        fs::remove_dir_all(&self.dir).is_ok()
    }

    /// Removes the journal and its backups: the release is in a clean state.
    pub(crate) fn finish(&self) -> Result<()> {
        // The journal goes first: backups without a journal are harmless leftovers, a journal
        // without backups could not restore anything.
        match fs::remove_file(self.path()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("cannot remove", &self.path(), &e)),
        }
        fsutil::sync_directory(&self.dir);
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

    /// Checks every field that reaches a git command or a path: refs as git's ref-name rules
    /// allow and never like an option, commits as full hex ids, files as plain relative paths.
    /// A crafted journal must not make `recover` run anything (`--upload-pack=…`) or write outside
    /// the work tree.
    pub(crate) fn validate(&self) -> Result<(), String> {
        use crate::refname::{check_sha, check_short};
        let field = |name: &str, why: String| format!("its `{name}` is not valid: {why}");
        check_short("refs/heads/", &self.branch).map_err(|why| field("branch", why))?;
        if self.tags.is_empty() {
            return Err("it lists no tag".into());
        }
        for tag in &self.tags {
            check_short("refs/tags/", tag).map_err(|why| field("tags", why))?;
        }
        check_sha(&self.original_head).map_err(|why| field("original-head", why))?;
        if let Some(commit) = &self.release_commit {
            check_sha(commit).map_err(|why| field("release-commit", why))?;
        }
        if let Some(remote) = &self.remote {
            // A remote's name must make `refs/remotes/<name>/x` a valid ref (git's own rule).
            check_short("refs/remotes/", &format!("{remote}/x")).map_err(|why| field("remote", why))?;
        }
        for file in &self.files {
            let plain = !file.as_os_str().is_empty()
                && file.components().all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain {
                return Err(field(
                    "files",
                    format!("`{}` is not a plain path inside the work tree", file.display()),
                ));
            }
        }
        Ok(())
    }

    /// The release's tags for messages: `v1.3.0`, or `a-v1.0.0, b-v2.0.0`.
    pub(crate) fn tag_list(&self) -> String {
        self.tags.join(", ")
    }
}

/// Backup-layout bytes: each entry is its length as 8 little-endian bytes, then the bytes.
fn entries(items: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.iter().map(|o| o.len() + 8).sum());
    for bytes in items {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// Entry `index` of the backup-layout file `path`.
fn entry(path: &Path, index: usize) -> Result<Vec<u8>> {
    let backup = fs::read(path).map_err(|e| io_error("cannot read the backup", path, &e))?;
    let mut rest = backup.as_slice();
    let mut current = 0;
    loop {
        let (length, after) = rest.split_at_checked(8).ok_or_else(|| truncated(path))?;
        let length = usize::try_from(u64::from_le_bytes(length.try_into().expect("8 bytes")))
            .map_err(|_| truncated(path))?;
        let (bytes, after) = after.split_at_checked(length).ok_or_else(|| truncated(path))?;
        if current == index {
            return Ok(bytes.to_vec());
        }
        rest = after;
        current += 1;
    }
}

fn truncated(path: &Path) -> Error {
    Error::input(format!("the backup `{}` is truncated", path.display()))
        .hint("restore the release's files with `git checkout -- <file>` and remove the journal directory")
}

/// The error for a release started while another one's journal exists.
pub(crate) fn unfinished(path: &Path) -> Error {
    Error::input(format!("an interrupted release left its journal at `{}`", path.display()))
        .hint("run `vbump recover` to finish or undo it, then run vbump again")
}

fn write_durably(path: &Path, bytes: &[u8], sync_dir: bool) -> Result<()> {
    fsutil::write_durably(path, bytes, sync_dir).map_err(|e| io_error("cannot write", path, &e))
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
        let mut journal = Journal::new("main", &"a".repeat(40), vec!["v1.3.0".into()]);
        journal.files = vec!["Cargo.toml".into(), "pkg/package.json".into()];
        store.begin(&journal, &[b"one", b"two\r\n"], &[b"ONE", b"TWO\r\n"]).unwrap();
        assert!(store.exists());
        assert_eq!(store.original(0).unwrap(), b"one");
        assert_eq!(store.original(1).unwrap(), b"two\r\n");
        assert_eq!(store.written(1).unwrap().unwrap(), b"TWO\r\n");
        assert!(store.original(2).unwrap_err().message.contains("truncated"));
        journal.step = Step::Tagging;
        journal.release_commit = Some("d".repeat(40));
        store.record(&journal).unwrap();
        assert_eq!(store.load().unwrap(), Some(journal.clone()));
        // A second release refuses to start over an unfinished one.
        let e = store.begin(&journal, &[], &[]).unwrap_err();
        assert!(e.message.contains("interrupted release"), "{e}");
        store.finish().unwrap();
        assert_eq!(store.load().unwrap(), None);
        assert!(!dir.path().join("vbump").exists());
        store.finish().unwrap();
    }

    #[test]
    fn a_crafted_journal_is_refused_naming_the_field_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let good = Journal::new("main", &"a".repeat(40), vec!["v1.3.0".into()]);
        type Breaks = Box<dyn Fn(&mut Journal)>;
        let cases: Vec<(Breaks, &str)> = vec![
            (Box::new(|j| j.remote = Some("--upload-pack=touch pwned".into())), "`remote`"),
            (Box::new(|j| j.branch = "-f".into()), "`branch`"),
            (Box::new(|j| j.tags = vec!["v1 .0".into()]), "`tags`"),
            (Box::new(|j| j.tags = Vec::new()), "no tag"),
            (Box::new(|j| j.original_head = "HEAD~1".into()), "`original-head`"),
            (Box::new(|j| j.release_commit = Some("--all".into())), "`release-commit`"),
            (Box::new(|j| j.files = vec!["../outside".into()]), "`files`"),
            (Box::new(|j| j.files = vec!["/etc/passwd".into()]), "`files`"),
        ];
        for (break_it, needle) in cases {
            let mut journal = good.clone();
            break_it(&mut journal);
            let _ = store.finish();
            fs::create_dir_all(store.dir()).unwrap();
            fs::write(store.path(), serde_json::to_vec(&journal).unwrap()).unwrap();
            let e = store.load().unwrap_err();
            assert!(e.message.contains("cannot be trusted") && e.message.contains(needle), "{needle}: {e}");
            assert_eq!(e.exit_code(), 2);
        }
    }

    #[test]
    fn a_format_1_journal_is_read_as_one_tag() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("vbump")).unwrap();
        let v1 = r#"{"format": 1, "branch": "main", "original-head": "abcabcabcabcabcabcabcabcabcabcabcabcabca", "version": "1.3.0",
            "tag": "v1.3.0", "files": ["Cargo.toml"], "remote": "origin", "message": "chore(release): v1.3.0",
            "release-commit": null, "step": "committing"}"#;
        fs::write(dir.path().join("vbump/journal.json"), v1).unwrap();
        let journal = Store::new(dir.path()).load().unwrap().unwrap();
        let mut expected =
            Journal::new("main", "abcabcabcabcabcabcabcabcabcabcabcabcabca", vec!["v1.3.0".into()]);
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
