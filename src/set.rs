//! `vbump set VERSION`: one version written into every location, all files or none.
//!
//! How a user reconciles a drifted repository before the first automated release. Nothing is
//! committed. The current values need not be valid versions (that is often why one runs `set`);
//! the files must still parse and every location must be found, or nothing is written.

use semver::Version;

use crate::edit::{FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::transaction::files::write_atomically;
use crate::workspace::{Target, Workspace};

/// What `set` wrote.
#[derive(Debug)]
pub(crate) struct Written {
    /// The files written, each with the values it changed (unchanged files are left out).
    pub(crate) edits: Vec<FileEdit>,
    /// How many locations there are in all, changed or not.
    pub(crate) locations: usize,
}

/// Writes `version` into every version location of the repository at `target`.
pub(crate) fn set(target: &Target, version: &Version) -> Result<Written> {
    let workspace = Workspace::open(target)?;
    let specs = crate::locations::resolve(&workspace.root, &workspace.config)?;
    let files = VersionFiles::read(&workspace.root, &specs)?;
    if files.fields().is_empty() {
        return Err(Error::input("no version location found: nothing to set")
            .hint("add [[location]] entries to vbump.toml (`vbump init` prints what it detects)"));
    }
    let edits = files.set_version(version)?;
    write_atomically(&workspace.root, &edits)?;
    Ok(Written { edits, locations: files.fields().len() })
}
