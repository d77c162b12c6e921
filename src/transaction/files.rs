//! Writing several files so that either all of them change or none does.
//!
//! Each new content goes to a temp file in the target's own directory (so the final rename never
//! crosses file systems), is fsynced and given the target's permission bits. Only when every temp
//! file is ready are they renamed over their targets; the directories are then fsynced so the
//! renames survive a power loss. If a rename fails, the targets already replaced get their
//! original bytes back the same way.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::failpoint;
use crate::edit::FileEdit;
use crate::error::{Error, Result};

/// Writes every edit's `after` bytes, all or nothing. Each file must still hold its `before`
/// bytes: a file changed since the plan was made is an error and nothing is written.
pub(crate) fn write_atomically(root: &Path, edits: &[FileEdit]) -> Result<()> {
    let mut targets = Vec::with_capacity(edits.len());
    for edit in edits {
        let target = resolve(root, &edit.file)?;
        let current = fs::read(&target).map_err(|e| io_error("cannot read", &edit.file, &e))?;
        if current != edit.before {
            return Err(Error::input(format!(
                "`{}` changed while vbump was running; nothing was written",
                edit.file.display()
            ))
            .hint("run vbump again"));
        }
        targets.push(target);
    }

    // Each temp file is written and fsynced on its own thread: concurrent fsyncs share the file
    // system's journal commits, so fifty files cost a few sync latencies instead of fifty.
    let temps: Vec<Result<Option<NamedTempFile>>> =
        parallel(edits.iter().zip(&targets), |(edit, target)| stage(target, &edit.after, &edit.file));
    let mut staged = Vec::with_capacity(edits.len());
    for (index, ((temp, target), edit)) in temps.into_iter().zip(targets).zip(edits).enumerate() {
        // On an error, the temp files staged so far are deleted when `staged` drops.
        staged.push((temp?, target, edit));
        failpoint::hit(&format!("after-temp-write-{index}"))?;
    }

    let mut replaced: Vec<(&PathBuf, &FileEdit)> = Vec::with_capacity(staged.len());
    for (index, (temp, target, edit)) in staged.iter_mut().map(|(t, p, e)| (t.take(), &*p, *e)).enumerate() {
        let temp = temp.expect("each staged file is renamed once");
        if let Err(e) = temp.persist(target) {
            let cause = io_error("cannot replace", &edit.file, &e.error);
            return Err(restore(replaced, cause));
        }
        replaced.push((target, edit));
        if let Err(cause) = failpoint::hit(&format!("after-rename-{index}")) {
            return Err(restore(replaced, cause));
        }
    }
    sync_directories(staged.iter().map(|(_, target, _)| target.as_path()));
    Ok(())
}

/// Puts `bytes` into `root/relative` the same atomic way (temp file, fsync, rename, directory
/// fsync), keeping its mode bits. Used to restore originals during rollback and recovery.
pub(crate) fn replace_file(root: &Path, relative: &Path, bytes: &[u8]) -> Result<()> {
    let target = resolve(root, relative)?;
    let temp = stage(&target, bytes, relative)?.expect("stage returns a file");
    temp.persist(&target).map_err(|e| io_error("cannot restore", relative, &e.error))?;
    sync_directories(std::iter::once(target.as_path()));
    Ok(())
}

/// A file vbump is about to write must be inside the work tree, reached through no symbolic
/// link (git would commit the link, and the write would land wherever it points), and, if it
/// exists, a regular file. Exit 2 naming it.
pub(crate) fn check_writable(root: &Path, relative: &Path) -> Result<()> {
    let plain = relative.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || relative.as_os_str().is_empty() {
        return Err(Error::input(format!("`{}` is outside the repository", relative.display()))
            .hint("give the path relative to the repository root, without `..`"));
    }
    let mut path = root.to_path_buf();
    for component in relative.components() {
        path.push(component);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                return Err(Error::input(format!(
                    "`{}` goes through the symbolic link `{link}`, so vbump will not write it",
                    relative.display()
                ))
                .hint("point vbump.toml at the file the link points to"));
            }
            Ok(meta) if path.as_path() == root.join(relative) && !meta.is_file() => {
                return Err(Error::input(format!("`{}` is not a regular file", relative.display()))
                    .hint("point vbump.toml at a regular file"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Removes temp files a killed release left beside `relative` (`.vbump-*.tmp`). Best effort.
pub(crate) fn remove_leftover_temps(root: &Path, relative: &Path) {
    let dir = root.join(relative);
    let Some(dir) = dir.parent() else { return };
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".vbump-") && name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The file behind `relative` in `root`; a symbolic link is followed so the link itself survives.
fn resolve(root: &Path, relative: &Path) -> Result<PathBuf> {
    let path = root.join(relative);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(&path).map_err(|e| io_error("cannot follow the link", relative, &e))
        }
        Ok(_) => Ok(path),
        Err(e) => Err(io_error("cannot read", relative, &e)),
    }
}

/// Writes `bytes` to a synced temp file beside `target`, with `target`'s permission bits.
fn stage(target: &Path, bytes: &[u8], shown: &Path) -> Result<Option<NamedTempFile>> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let write = || -> std::io::Result<NamedTempFile> {
        let mut temp = tempfile::Builder::new().prefix(".vbump-").suffix(".tmp").tempfile_in(dir)?;
        temp.write_all(bytes)?;
        let permissions = fs::metadata(target)?.permissions();
        fs::set_permissions(temp.path(), permissions)?;
        temp.as_file().sync_all()?;
        Ok(temp)
    };
    write().map(Some).map_err(|e| io_error("cannot write a temporary file for", shown, &e))
}

/// Puts the original bytes back into files already replaced; returns the error to report.
fn restore(replaced: Vec<(&PathBuf, &FileEdit)>, cause: Error) -> Error {
    let mut left = Vec::new();
    for (target, edit) in &replaced {
        let put_back = stage(target, &edit.before, &edit.file).and_then(|temp| {
            let temp = temp.expect("stage returns a file");
            temp.persist(target).map(drop).map_err(|e| io_error("cannot restore", &edit.file, &e.error))
        });
        if put_back.is_err() {
            let file = edit.file.display();
            left.push(format!("`{file}` holds the new version; restore it with `git checkout -- {file}`"));
        }
    }
    sync_directories(replaced.iter().map(|(target, _)| target.as_path()));
    if left.is_empty() {
        cause
    } else {
        Error::incomplete(format!("{}; restoring the files already written failed too", cause.message), left)
    }
}

/// Fsyncs each distinct parent directory, so renames are durable. Best effort: a file system
/// that cannot sync directories has nothing more to give.
fn sync_directories<'a>(targets: impl Iterator<Item = &'a Path>) {
    let dirs: BTreeSet<&Path> = targets.filter_map(Path::parent).collect();
    parallel(dirs, crate::fsutil::sync_directory);
}

/// Most threads [`parallel`] starts: enough to overlap sync latencies, few enough to be polite.
const MAX_THREADS: usize = 16;

/// `work` applied to every item, on up to [`MAX_THREADS`] scoped threads; results in item order.
fn parallel<I, T, R>(items: I, work: impl Fn(T) -> R + Sync) -> Vec<R>
where
    I: IntoIterator<Item = T>,
    T: Send,
    R: Send,
{
    let items: Vec<T> = items.into_iter().collect();
    if items.len() < 2 {
        return items.into_iter().map(work).collect();
    }
    let per_thread = items.len().div_ceil(MAX_THREADS);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        chunks.push(items.by_ref().take(per_thread).collect());
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

fn io_error(what: &str, file: &Path, e: &std::io::Error) -> Error {
    Error::input(format!("{what} `{}`: {e}", file.display()))
        .in_file(file)
        .hint("check the file's permissions and that the disk is not full")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(file: &str, before: &str, after: &str) -> FileEdit {
        FileEdit { file: file.into(), before: before.into(), after: after.into(), changes: Vec::new() }
    }

    #[test]
    fn writes_every_file_and_keeps_mode_bits() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("a.json"), "1.0.0").unwrap();
        fs::write(dir.path().join("sub/b.toml"), "v = '1.0.0'").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.path().join("a.json"), fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(
            dir.path(),
            &[edit("a.json", "1.0.0", "1.1.0"), edit("sub/b.toml", "v = '1.0.0'", "v = '1.1.0'")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a.json")).unwrap(), "1.1.0");
        assert_eq!(fs::read_to_string(dir.path().join("sub/b.toml")).unwrap(), "v = '1.1.0'");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("a.json")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".vbump-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_file_changed_since_the_plan_stops_everything() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), "1.0.0").unwrap();
        fs::write(dir.path().join("b"), "edited by someone else").unwrap();
        let e = write_atomically(dir.path(), &[edit("a", "1.0.0", "2.0.0"), edit("b", "1.0.0", "2.0.0")])
            .unwrap_err();
        assert!(e.message.contains("`b` changed"), "{e}");
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "1.0.0");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), "1.0.0").unwrap();
        let e =
            write_atomically(dir.path(), &[edit("a", "1.0.0", "2.0.0"), edit("gone", "1", "2")]).unwrap_err();
        assert!(e.to_string().starts_with("gone: cannot read `gone`"), "{e}");
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "1.0.0");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real.json"), "1.0.0").unwrap();
        std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
        write_atomically(dir.path(), &[edit("link.json", "1.0.0", "1.0.1")]).unwrap();
        assert!(fs::symlink_metadata(dir.path().join("link.json")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(dir.path().join("real.json")).unwrap(), "1.0.1");
    }
}
