//! File writes that must survive a crash or must not replace what is there.

use std::io::Write as _;
use std::path::Path;

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
