//! File writes that must survive a crash or must not replace what is there: the one place that
//! knows "synced temp file, rename, sync the directory" (the journal, the version files and
//! `vbump init` all go through it).

use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to `path` through a synced temp file beside it and a rename, then (with
/// `sync_dir`) syncs the directory so the new name survives a power cut. A crash leaves the old
/// content or the new, never half of it.
pub(crate) fn write_durably(path: &Path, bytes: &[u8], sync_dir: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = path.with_extension("tmp");
    let mut file = File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temp, path)?;
    if sync_dir {
        sync_directory(dir);
    }
    Ok(())
}

/// Fsyncs a directory so a rename in it is durable. Best effort: a file system that cannot sync
/// directories has nothing more to give.
pub(crate) fn sync_directory(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Why [`create_new`] wrote nothing.
#[derive(Debug)]
pub(crate) enum CreateError {
    /// The file exists (or appeared meanwhile).
    Exists,
    Io(std::io::Error),
}

/// Creates `path` with `bytes`, never replacing an existing file: the content goes to a synced
/// temp file in the same folder, which is then linked into place only if the name is still free.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> Result<(), CreateError> {
    if path.exists() {
        return Err(CreateError::Exists);
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(folder).map_err(CreateError::Io)?;
    temp.write_all(bytes).map_err(CreateError::Io)?;
    temp.as_file().sync_all().map_err(CreateError::Io)?;
    temp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            CreateError::Exists
        } else {
            CreateError::Io(e.error)
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vbump.toml");
        create_new(&path, b"one").unwrap();
        assert!(matches!(create_new(&path, b"two"), Err(CreateError::Exists)));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
    }
}
