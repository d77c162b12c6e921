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
