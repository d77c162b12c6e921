//! The repository's exclusive lock: one writing vbump command at a time.
//!
//! Two releases in one clone would otherwise interleave: both pass the "no unfinished journal"
//! check, both write the files, and the loser's rollback undoes the winner's tag and files. Every
//! command that writes (`release`, `set`, `init --write`, `recover`) takes this lock first; a
//! second one finds it held and stops with exit 2, having changed nothing.
//!
//! The lock is the file `vbump.lock` in git's common directory (shared by linked worktrees, like the
//! refs it protects). It is created atomically (a hard link, which fails when the name exists), so
//! exactly one process creates it, and it names its owner: pid, the process's start time (which tells a live owner from a reused pid)
//! and the command. The owner also holds an exclusive lock on the file for as long as it runs
//! (`File::try_lock`: `flock` on Unix, `LockFileEx` on Windows); the operating system drops it
//! when the process dies however it dies, so a lock file nobody holds is *stale*: its run was
//! killed. The same rule on every platform. A stale lock is reported with its owner and how to
//! clear it; only `vbump recover`, whose job is cleaning up after a killed run, takes one over
//! (atomically: the one process that gets the file lock owns it).
//!
//! The private file a lock is prepared in (`vbump.lock.<pid>-<n>.tmp`) is locked by its owner
//! from the moment it exists until it is removed, but for the instant between creating and
//! locking it. A process killed before it removed it leaves it behind: whoever takes the lock next
//! removes every such file that nobody holds and that is older than [`DEAD_TEMP_AGE`] (which
//! rules out that instant).
//!
//! On Windows a locked file cannot be read by another process, so a second writer there names the
//! owner only as "another vbump"; a stale lock (nobody holds it any more) is read and named.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock file's name inside git's common directory.
pub(crate) const FILE_NAME: &str = "vbump.lock";

/// A lock's private file older than this that nobody holds was left by a killed process. Its
/// owner locks it microseconds after creating it, so a live owner's is never both.
pub(crate) const DEAD_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(10);

/// Who holds a lock, as its file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub pid: u32,
    /// When the owning process started, in seconds since the Unix epoch (`None` where unknown).
    pub started: Option<u64>,
    /// The command that took the lock (`release`).
    pub command: String,
}

/// What to do with a lock left by a process that no longer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stale {
    /// Report it and stop (exit 2): a killed run may have left work for `vbump recover`.
    Refuse,
    /// Take it over: the caller is `vbump recover`, which finishes what the killed run left.
    TakeOver,
}

/// A held lock; dropping it removes the file and releases it.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    /// Kept open: on Unix the `flock` lives as long as this descriptor.
    file: Option<File>,
    /// Set when a stale lock was taken over: whose it was.
    pub took_over: Option<Owner>,
}

impl Lock {
    /// Takes the lock of the repository whose common git directory is `common_dir`, for `command`.
    pub(crate) fn acquire(common_dir: &Path, command: &str, stale: Stale) -> Result<Lock> {
        let path = common_dir.join(FILE_NAME);
        let me = Owner {
            pid: std::process::id(),
            started: process_start(std::process::id()),
            command: command.into(),
        };
        // The lock is prepared under a private name (locked, owner written) and then hard-linked
        // into place: the link is the atomic create (it fails if the name exists), and the file
        // never appears without its owner and its flock, so it is never taken for a stale one.
        static TAKEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nth = TAKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = common_dir.join(format!("{FILE_NAME}.{}-{nth}.tmp", me.pid));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| cannot("create", &temp, &e))?;
        let mut mine = Lock { path: temp.clone(), file: Some(file), took_over: None };
        if !try_lock(mine.file.as_ref().expect("just opened")) {
            return Err(held(&path, read_owner(&path).as_ref()));
        }
        mine.write_owner(&me)?;
        // A kill here leaves the private file behind (see `remove_dead_temps`).
        super::failpoint::hit("lock-before-link")?;
        // A few rounds at most: each either links, finds a held lock, or finds the lock it
        // looked at released meanwhile.
        for _ in 0..8 {
            match fs::hard_link(&temp, &path) {
                Ok(()) => {
                    let _ = fs::remove_file(&temp);
                    mine.path = path;
                    remove_dead_temps(common_dir);
                    return Ok(mine);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(cannot("create", &path, &e)),
            }
            let file = match OpenOptions::new().read(true).write(true).open(&path) {
                Ok(file) => file,
                // Released between our link and our open: try again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(cannot("open", &path, &e)),
            };
            let owner = read_owner(&path);
            if !try_lock(&file) {
                return Err(held(&path, owner.as_ref()));
            }
            // We hold the flock of a file nobody else holds. If the path still names it, its
            // owner died (the stale lock); otherwise it was released meanwhile.
            if !same_file(&file, &path) {
                continue;
            }
            if stale == Stale::Refuse {
                return Err(stale_error(&path, owner.as_ref()));
            }
            // Taken over: the flock on the stale file is ours; `mine` (the private file) goes.
            let mut lock =
                Lock { path, file: Some(file), took_over: Some(owner.unwrap_or_else(unknown_owner)) };
            lock.write_owner(&me)?;
            drop(mine);
            remove_dead_temps(common_dir);
            return Ok(lock);
        }
        Err(held(&path, read_owner(&path).as_ref()))
    }

    fn write_owner(&mut self, owner: &Owner) -> Result<()> {
        let text = format!(
            "pid {}\nstarted {}\ncommand {}\n",
            owner.pid,
            owner.started.map_or_else(|| "unknown".to_string(), |s| s.to_string()),
            owner.command
        );
        let file = self.file.as_mut().expect("a held lock has its file");
        let written = file.set_len(0).and_then(|()| {
            use std::io::Seek;
            file.seek(std::io::SeekFrom::Start(0))?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
        written.map_err(|e| {
            Error::input(format!("cannot write the lock `{}`: {e}", self.path.display()))
                .hint("check that the disk is not full")
        })
    }

    /// The lock file, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove while still holding the flock, so nobody can take over the file being removed
        // (a taker re-checks that the path still names the file it locked).
        let _ = fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

fn cannot(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::input(format!("cannot {what} the lock `{}`: {e}", path.display()))
        .hint("check the permissions of the .git directory and that the disk is not full")
}

fn unknown_owner() -> Owner {
    Owner { pid: 0, started: None, command: "unknown".into() }
}

/// Reads the owner a lock file names; `None` when it is empty or unreadable (just created).
pub(crate) fn read_owner(path: &Path) -> Option<Owner> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    let field = |name: &str| {
        text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')).map(str::to_string)
    };
    Some(Owner {
        pid: field("pid")?.parse().ok()?,
        started: field("started").and_then(|s| s.parse().ok()),
        command: field("command").unwrap_or_else(|| "unknown".into()),
    })
}

fn describe(owner: Option<&Owner>) -> String {
    match owner {
        Some(o) => {
            let started = o.started.map_or_else(String::new, |s| format!(", started at {s} (Unix time)"));
            format!("`vbump {}` (pid {}{started})", o.command, o.pid)
        }
        None => "another vbump".to_string(),
    }
}

fn held(path: &Path, owner: Option<&Owner>) -> Error {
    Error::input(format!(
        "{} is already writing to this repository (it holds `{}`)",
        describe(owner),
        path.display()
    ))
    .hint("wait for it to finish, then run vbump again: two releases at once would undo each other; nothing was changed")
}

fn stale_error(path: &Path, owner: Option<&Owner>) -> Error {
    Error::input(format!(
        "the lock `{}` was left by {}, which is no longer running: that run was killed",
        path.display(),
        describe(owner)
    ))
    .hint(format!(
        "run `vbump recover`: it clears the stale lock and finishes or undoes any release the killed run left; \
         or, if you know it left nothing, remove the lock: `rm {}`",
        path.display()
    ))
}

/// An exclusive lock on `file` without waiting; false when another open file holds one (in this
/// process too: the lock belongs to the open file).
fn try_lock(file: &File) -> bool {
    file.try_lock().is_ok()
}

/// Removes the private lock files (`vbump.lock.<pid>-<n>.tmp`) that processes killed while taking
/// the lock left in `common_dir`: only those nobody holds and older than [`DEAD_TEMP_AGE`]. Called
/// with the lock held; a file that cannot be judged is left alone.
fn remove_dead_temps(common_dir: &Path) {
    let Ok(entries) = fs::read_dir(common_dir) else { return };
    let prefix = format!("{FILE_NAME}.");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(&prefix) && name.ends_with(".tmp")) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else { continue };
        let old = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > DEAD_TEMP_AGE);
        // Removed while we hold its lock, and only if the name still is the file we judged.
        if old && try_lock(&file) && same_file(&file, &path) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// True when `path` still names the open `file` (not a file created after ours was removed).
fn same_file(file: &File, path: &Path) -> bool {
    os::same_file(file, path)
}

/// When process `pid` started, in seconds since the Unix epoch; `None` where this is unknown.
pub(crate) fn process_start(pid: u32) -> Option<u64> {
    os::process_start(pid)
}

#[cfg(unix)]
mod os {
    use std::fs::File;
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    pub(super) fn same_file(file: &File, path: &Path) -> bool {
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    /// From `/proc` (Linux): the process's start in clock ticks after boot, plus the boot time.
    pub(super) fn process_start(pid: u32) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name (field 2) may hold spaces and parentheses: count after the last `)`.
        let after = &stat[stat.rfind(')')? + 2..];
        let ticks: u64 = after.split_whitespace().nth(19)?.parse().ok()?;
        let boot: u64 = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|line| line.strip_prefix("btime ")?.trim().parse().ok())?;
        // SAFETY: sysconf reads a constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let hz = u64::try_from(hz).ok().filter(|&h| h > 0)?;
        Some(boot + ticks / hz)
    }
}

#[cfg(not(unix))]
mod os {
    use std::fs::File;
    use std::path::Path;

    /// std has no stable file id outside Unix: the same creation time, modification time and
    /// length stand for the same file (a lock recreated meanwhile differs in its creation time).
    pub(super) fn same_file(file: &File, path: &Path) -> bool {
        let key = |m: std::fs::Metadata| (m.created().ok(), m.modified().ok(), m.len());
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => key(a) == key(b),
            _ => false,
        }
    }

    /// Unknown outside Linux's `/proc`: the lock then names the owner's pid and command only.
    pub(super) fn process_start(_pid: u32) -> Option<u64> {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn second_taker_is_refused_naming_the_owner_and_the_lock_goes_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path(), "release", Stale::Refuse).unwrap();
        let owner = read_owner(first.path()).unwrap();
        assert_eq!(owner.pid, std::process::id());
        assert_eq!(owner.command, "release");
        assert!(owner.started.is_some());
        // flock is per open file description, so a second open in this process conflicts too.
        let e = Lock::acquire(dir.path(), "set", Stale::TakeOver).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains(&format!("`vbump release` (pid {}", std::process::id())), "{e}");
        drop(first);
        assert!(!dir.path().join(FILE_NAME).exists());
        Lock::acquire(dir.path(), "set", Stale::Refuse).unwrap();
    }

    #[test]
    fn a_lock_nobody_holds_is_stale_refused_or_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        // What a SIGKILLed run leaves: the file, and no process holding it.
        fs::write(dir.path().join(FILE_NAME), "pid 999999\nstarted 1700000000\ncommand release\n").unwrap();
        let e = Lock::acquire(dir.path(), "release", Stale::Refuse).unwrap_err();
        assert!(e.message.contains("`vbump release` (pid 999999, started at 1700000000"), "{e}");
        assert!(e.message.contains("no longer running"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("vbump recover"), "{e}");
        let lock = Lock::acquire(dir.path(), "recover", Stale::TakeOver).unwrap();
        assert_eq!(lock.took_over.as_ref().map(|o| o.pid), Some(999_999));
        assert_eq!(read_owner(lock.path()).unwrap().command, "recover");
    }

    #[test]
    fn private_files_of_killed_takers_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - DEAD_TEMP_AGE * 6;
        let make = |name: &str, modified: Option<std::time::SystemTime>| {
            let path = dir.path().join(name);
            fs::write(&path, "pid 999999\nstarted 1700000000\ncommand release\n").unwrap();
            if let Some(modified) = modified {
                File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
            }
            path
        };
        let dead = make("vbump.lock.999999-0.tmp", Some(old));
        // Just created: its owner may be about to lock it.
        let young = make("vbump.lock.999998-0.tmp", None);
        // Old, but its owner holds it (a paused taker).
        let held = make("vbump.lock.999997-0.tmp", Some(old));
        let holder = File::open(&held).unwrap();
        holder.try_lock().unwrap();
        let unrelated = make("vbump.lock.notes", Some(old));
        let lock = Lock::acquire(dir.path(), "release", Stale::Refuse).unwrap();
        assert!(!dead.exists(), "a dead taker's file is removed");
        assert!(young.exists() && held.exists() && unrelated.exists());
        drop(lock);
        drop(holder);
        Lock::acquire(dir.path(), "release", Stale::Refuse).unwrap();
        assert!(!held.exists(), "once nobody holds it, it goes too");
        assert!(young.exists());
    }

    #[test]
    fn process_start_tells_a_live_process_apart() {
        let me = process_start(std::process::id()).unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert!(me <= now + 1 && me > now - 86_400 * 365, "{me} vs {now}");
        assert_eq!(process_start(u32::MAX), None);
    }
}
