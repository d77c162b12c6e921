//! Version locations: find the version value in a file and replace exactly its bytes.
//!
//! The promise: after an edit, a file's bytes equal the original bytes with only the version
//! string's bytes replaced. Each editor (`json`, `toml`, `regex`) locates the byte span of the value
//! with a parser that reports spans, and the new value is spliced in; nothing is re-serialised.

use std::path::PathBuf;

use serde::Serialize;

/// One version value found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Path relative to the repository root.
    pub file: PathBuf,
    /// How the location names it: the JSON pointer, TOML key path or regex, as configured.
    pub location: String,
    /// 1-based line of the value.
    pub line: usize,
    /// The value as written (without quotes).
    pub value: String,
    /// Byte range of the value's text inside the file (without quotes).
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
}

/// One value a release changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub location: String,
    pub line: usize,
    pub old: String,
    pub new: String,
}

/// The new content of one file. `before` and `after` differ only inside the changed values' spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEdit {
    /// Path relative to the repository root.
    pub file: PathBuf,
    #[serde(skip)]
    pub before: Vec<u8>,
    #[serde(skip)]
    pub after: Vec<u8>,
    pub changes: Vec<FieldChange>,
}
// TEMP-SHIM (not committed): stands in for the edit branch's interface until it is merged.
use crate::error::Result;
use std::path::Path;
pub fn resolve_locations(
    _root: &Path,
    config: &crate::config::Config,
) -> Result<Vec<crate::config::LocationSpec>> {
    Ok(config.locations.clone().unwrap_or_default())
}
pub struct VersionFiles(Vec<Field>);
impl VersionFiles {
    pub fn read(_root: &Path, _specs: &[crate::config::LocationSpec]) -> Result<VersionFiles> {
        Ok(VersionFiles(Vec::new()))
    }
    pub fn fields(&self) -> &[Field] {
        &self.0
    }
    pub fn versions(&self) -> Result<Vec<(&Field, semver::Version)>> {
        Ok(Vec::new())
    }
    pub fn set_version(&self, _v: &semver::Version) -> Result<Vec<FileEdit>> {
        Ok(Vec::new())
    }
}
pub fn unified_diff(edit: &FileEdit) -> String {
    format!("--- a/{}\n", edit.file.display())
}
