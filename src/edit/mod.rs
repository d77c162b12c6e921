//! Version locations: find the version value in a file and replace exactly its bytes.
//!
//! The promise: after an edit, a file's bytes equal the original bytes with only the version
//! string's bytes replaced. Each editor (`json`, `toml`, `regex`) locates the byte span of the value
//! with a parser that reports spans, and the new value is spliced in; nothing is re-serialised.

pub mod json;
pub mod pointer;
pub mod regex;
pub mod toml;

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, LocationSpec, Selector};
use crate::error::{Error, Place, Result, line_column};

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

/// The UTF-8 byte order mark. Kept as it is: never added, never removed, never part of a span.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A value an editor found: its text decoded, and the byte range of its literal (without quotes)
/// in the text the editor was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: std::ops::Range<usize>,
    pub value: String,
}

/// A problem an editor found at a byte offset of its text; `mod` turns it into an [`Error`] with
/// the file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
    /// False when the problem is about the whole file (a pattern that matches nothing).
    pub placed: bool,
}

impl Located {
    pub fn new(offset: usize, message: impl Into<String>) -> Located {
        Located { offset, message: message.into(), hint: None, placed: true }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Located {
        self.hint = Some(hint.into());
        self
    }

    pub fn hint_if_none(self, hint: impl Into<String>) -> Located {
        if self.hint.is_some() { self } else { self.hint(hint) }
    }

    pub fn without_place(mut self) -> Located {
        self.placed = false;
        self
    }
}

/// The locations to use: the configured ones, else auto-detected (`detect::detect(root)`).
pub fn resolve_locations(root: &Path, config: &Config) -> Result<Vec<LocationSpec>> {
    match &config.locations {
        Some(locations) => Ok(locations.clone()),
        None => crate::detect::detect(root),
    }
}

/// How a location names its value, as configured (pointer, key path or pattern).
pub fn selector_text(selector: &Selector) -> &str {
    match selector {
        Selector::Json(pointer) => pointer,
        Selector::Toml(key) => key,
        Selector::Regex { pattern, .. } => pattern,
    }
}

/// A version file as read from disk.
#[derive(Debug, Clone)]
struct SourceFile {
    path: std::path::PathBuf,
    bytes: Vec<u8>,
    /// Length of the byte order mark (0 or 3); spans of editors are shifted by it.
    bom: usize,
}

impl SourceFile {
    fn text(&self) -> &str {
        // Checked to be UTF-8 when read.
        std::str::from_utf8(&self.bytes[self.bom..]).unwrap_or_default()
    }
}

/// Every version file read once; every field found.
#[derive(Debug, Clone)]
pub struct VersionFiles {
    files: Vec<SourceFile>,
    specs: Vec<LocationSpec>,
    fields: Vec<Field>,
    /// For each field: the index of its file and of its spec.
    origins: Vec<(usize, usize)>,
}

impl VersionFiles {
    /// Reads every location's file (each file once) and finds every field. Errors (exit 2) name
    /// the file:line:column and the location.
    pub fn read(root: &Path, specs: &[LocationSpec]) -> Result<VersionFiles> {
        VersionFiles::build(specs, |spec| {
            check_inside(spec)?;
            check_no_link(root, spec)?;
            match std::fs::read(root.join(&spec.file)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::input(format!("cannot read version file: {e}")).in_file(&spec.file)),
            }
        })
    }

    /// Like [`VersionFiles::read`], with the files' contents given (path relative to the root,
    /// bytes); a path not given is a missing file. For contents that are not on disk (a blob of
    /// another commit) and for fuzzing.
    pub fn from_contents(specs: &[LocationSpec], contents: &[(PathBuf, Vec<u8>)]) -> Result<VersionFiles> {
        VersionFiles::build(specs, |spec| {
            check_inside(spec)?;
            Ok(contents.iter().find(|(path, _)| *path == spec.file).map(|(_, bytes)| bytes.clone()))
        })
    }

    /// Finds every field; `source` gives a location's file bytes, `None` when it does not exist.
    fn build(
        specs: &[LocationSpec],
        mut source: impl FnMut(&LocationSpec) -> Result<Option<Vec<u8>>>,
    ) -> Result<VersionFiles> {
        let mut files: Vec<SourceFile> = Vec::new();
        let mut fields = Vec::new();
        let mut origins = Vec::new();
        for (spec_index, spec) in specs.iter().enumerate() {
            let file_index = match files.iter().position(|f| f.path == spec.file) {
                Some(index) => index,
                None => match source(spec)? {
                    Some(bytes) => {
                        files.push(source_file(spec, bytes)?);
                        files.len() - 1
                    }
                    None if spec.optional => continue,
                    None => return Err(missing(spec)),
                },
            };
            let file = &files[file_index];
            for found in find_all(file, spec)? {
                let span = found.span.start + file.bom..found.span.end + file.bom;
                fields.push(Field {
                    file: spec.file.clone(),
                    location: selector_text(&spec.selector).to_string(),
                    line: line_column(&file.bytes, span.start).0,
                    value: found.value,
                    span,
                });
                origins.push((file_index, spec_index));
            }
        }
        Ok(VersionFiles { files, specs: specs.to_vec(), fields, origins })
    }

    /// Every field found, in location order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The place of a field's value, `file:line:column`.
    pub fn place(&self, field_index: usize) -> Place {
        let (file_index, _) = self.origins[field_index];
        let file = &self.files[file_index];
        Place::of_offset(&file.path, &file.bytes, self.fields[field_index].span.start)
    }

    /// Each field's value parsed as semver; an invalid one is an exit-2 error naming the location.
    pub fn versions(&self) -> Result<Vec<(&Field, semver::Version)>> {
        let mut out = Vec::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            let version = parse_version(&field.value).map_err(|reason| {
                Error::input(format!(
                    "`{}` is \"{}\", which is not a semantic version ({reason})",
                    field.location, field.value
                ))
                .at(self.place(index))
                .hint("write a version like 1.2.3 (no `v` prefix), e.g. with `vbump set 1.2.3`")
            })?;
            out.push((field, version));
        }
        Ok(out)
    }

    /// The edits that write `version` into every field. Files whose bytes would not change are
    /// left out; each edit lists only the fields whose value changes. Each new content is parsed
    /// again and every field must read back as `version`.
    pub fn set_version(&self, version: &semver::Version) -> Result<Vec<FileEdit>> {
        let new = version.to_string();
        let mut edits = Vec::new();
        for (file_index, file) in self.files.iter().enumerate() {
            let mine: Vec<usize> =
                (0..self.fields.len()).filter(|&i| self.origins[i].0 == file_index).collect();
            let mut spans: Vec<&std::ops::Range<usize>> =
                mine.iter().map(|&i| &self.fields[i].span).collect();
            spans.sort_by_key(|span| (span.start, span.end));
            spans.dedup();
            if let Some(pair) = spans.windows(2).find(|pair| pair[0].end > pair[1].start) {
                return Err(Error::input("two locations overlap in one file; vbump cannot write both")
                    .at(Place::of_offset(&file.path, &file.bytes, pair[1].start))
                    .hint("remove one of the two locations from vbump.toml"));
            }
            let after = splice(&file.bytes, &spans, new.as_bytes());
            if after == file.bytes {
                continue;
            }
            self.confirm(file, &after, &mine, &new)?;
            let changes = mine
                .iter()
                .map(|&i| &self.fields[i])
                .filter(|field| field.value != new)
                .map(|field| FieldChange {
                    location: field.location.clone(),
                    line: field.line,
                    old: field.value.clone(),
                    new: new.clone(),
                })
                .collect();
            edits.push(FileEdit { file: file.path.clone(), before: file.bytes.clone(), after, changes });
        }
        Ok(edits)
    }

    /// Defence in depth: parses `after` again with each location of the file and checks that every
    /// field now reads `new`.
    fn confirm(&self, file: &SourceFile, after: &[u8], fields: &[usize], new: &str) -> Result<()> {
        let edited = SourceFile { path: file.path.clone(), bytes: after.to_vec(), bom: file.bom };
        let mut spec_indexes: Vec<usize> = fields.iter().map(|&i| self.origins[i].1).collect();
        spec_indexes.dedup();
        for spec_index in spec_indexes {
            let spec = &self.specs[spec_index];
            let found = find_all(&edited, spec).map_err(|e| {
                Error::input(format!(
                    "after the edit `{}` no longer reads back: {}",
                    selector_text(&spec.selector),
                    e.message
                ))
                .in_file(&file.path)
                .hint("this is a bug in vbump; nothing was written. Please report it with the file")
            })?;
            if let Some(wrong) = found.iter().find(|f| f.value != new) {
                return Err(Error::input(format!(
                    "after writing {new}, `{}` reads \"{}\"; nothing was written",
                    selector_text(&spec.selector),
                    wrong.value
                ))
                .in_file(&file.path)
                .hint("check that the location's pattern matches the new version too"));
            }
        }
        Ok(())
    }
}

/// `original` with every span replaced by `value`. Spans are sorted and do not overlap.
pub fn splice(original: &[u8], spans: &[&std::ops::Range<usize>], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(original.len() + spans.len() * value.len());
    let mut at = 0;
    for span in spans {
        out.extend_from_slice(&original[at..span.start]);
        out.extend_from_slice(value);
        at = span.end;
    }
    out.extend_from_slice(&original[at..]);
    out
}

/// Parses a version strictly: semver 2.0, no `v` prefix, no surrounding space.
pub fn parse_version(text: &str) -> std::result::Result<semver::Version, String> {
    semver::Version::parse(text).map_err(|e| e.to_string())
}

/// Where a location was declared, or its file when it was detected.
fn declared(spec: &LocationSpec) -> Place {
    spec.declared_at.clone().unwrap_or_else(|| Place::file(&spec.file))
}

/// A location's file must be inside the repository.
fn check_inside(spec: &LocationSpec) -> Result<()> {
    if spec.file.is_absolute()
        || spec.file.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(Error::input(format!(
            "location file `{}` is outside the repository",
            spec.file.display()
        ))
        .at(declared(spec))
        .hint("give the path relative to the repository root, without `..`"));
    }
    Ok(())
}

/// A location's file, and the folders on its way, must not be symbolic links: git commits the link,
/// not the file it points to, so a release would commit nothing while editing a file elsewhere
/// (even outside the repository).
fn check_no_link(root: &Path, spec: &LocationSpec) -> Result<()> {
    let mut path = root.to_path_buf();
    for component in spec.file.components() {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            let link = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            return Err(Error::input(format!(
                "version file `{}` goes through the symbolic link `{link}`",
                spec.file.display()
            ))
            .at(declared(spec))
            .hint("configure the file the link points to (`[[location]] file = ...` in vbump.toml)"));
        }
    }
    Ok(())
}

fn missing(spec: &LocationSpec) -> Error {
    Error::input(format!(
        "version file `{}` does not exist (location `{}`)",
        spec.file.display(),
        selector_text(&spec.selector)
    ))
    .at(declared(spec))
    .hint("fix the path, or add `optional = true` to the location if the file may be absent")
}

/// Checks the bytes are UTF-8 (after an optional byte order mark).
fn source_file(spec: &LocationSpec, bytes: Vec<u8>) -> Result<SourceFile> {
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    if let Err(e) = std::str::from_utf8(&bytes[bom..]) {
        return Err(Error::input("the version file is not UTF-8 text")
            .at(Place::of_offset(&spec.file, &bytes, bom + e.valid_up_to()))
            .hint("vbump edits UTF-8 files only; save it as UTF-8"));
    }
    Ok(SourceFile { path: spec.file.clone(), bytes, bom })
}

/// Finds every field `spec` names in `file`: one, or several for `regex` with `all = true`.
fn find_all(file: &SourceFile, spec: &LocationSpec) -> Result<Vec<Found>> {
    let text = file.text();
    let config_error = |message: String| {
        Error::input(message)
            .at(spec.declared_at.clone().unwrap_or_else(|| Place::file(&spec.file)))
            .hint("fix the location in vbump.toml (see README, \"Version locations\")")
    };
    let found = match &spec.selector {
        Selector::Json(pointer) => {
            let pointer = pointer::Pointer::parse(pointer).map_err(|e| config_error(e.0))?;
            json::parse(text).and_then(|root| json::find(&root, &pointer)).map(|f| vec![f])
        }
        Selector::Toml(path) => {
            let keys = toml::parse_path(path).map_err(config_error)?;
            toml::parse(text).and_then(|doc| toml::find(&doc, &keys)).map(|f| vec![f])
        }
        Selector::Regex { pattern, all } => {
            let regex = regex::compile(pattern).map_err(config_error)?;
            regex::find(text, &regex, *all)
        }
    };
    found.map_err(|located| {
        let place = if located.placed {
            Place::of_offset(&file.path, &file.bytes, file.bom + located.offset)
        } else {
            Place::file(&file.path)
        };
        let hint = located.hint.unwrap_or_else(|| match &spec.declared_at {
            Some(declared) => format!("fix the file, or the location declared at {declared}"),
            None => "fix the file, or configure the locations in vbump.toml (`vbump init` prints them)"
                .to_string(),
        });
        Error::input(format!("location `{}`: {}", selector_text(&spec.selector), located.message))
            .at(place)
            .hint(hint)
    })
}

/// A unified diff (3 lines of context, `--- a/path` / `+++ b/path` headers) of one edit.
pub fn unified_diff(edit: &FileEdit) -> String {
    let before = String::from_utf8_lossy(&edit.before);
    let after = String::from_utf8_lossy(&edit.after);
    let path = edit.file.to_string_lossy().replace('\\', "/");
    similar::TextDiff::from_lines(before.as_ref(), after.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests;
