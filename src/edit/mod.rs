//! Version locations: find the version value in a file and replace exactly its bytes.
//!
//! The promise: after an edit, a file's bytes equal the original bytes with only the version
//! string's bytes replaced. Each editor (`json`, `toml`, `regex`) locates the byte span of the value
//! with a parser that reports spans, and the new value is spliced in; nothing is re-serialised.

pub mod json;
pub mod pep440;
pub mod pointer;
pub mod regex;
pub mod toml;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::config::{LocationSpec, Selector};
use crate::error::{Error, Place, Result};
use crate::worktree::{FileBytes, WorkTree};

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
    /// How the file spells versions.
    #[serde(skip)]
    pub scheme: Scheme,
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

/// How a file spells a version: semver everywhere, except in Python packaging files, which
/// packaging normalises to PEP 440 (see [`pep440`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Semver,
    Pep440,
}

impl Scheme {
    /// The scheme of a file, by its name: `pyproject.toml`, `setup.cfg`, `setup.py`, `uv.lock`,
    /// `PKG-INFO`, `requirements*.txt` and `*.py` files are Python's.
    pub fn of(path: &Path) -> Scheme {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let python = matches!(name, "pyproject.toml" | "setup.cfg" | "setup.py" | "uv.lock" | "PKG-INFO")
            || (name.starts_with("requirements") && name.ends_with(".txt"))
            || path.extension().is_some_and(|e| e == "py");
        if python { Scheme::Pep440 } else { Scheme::Semver }
    }

    /// Reads a value written in this scheme as the semantic version it means.
    pub fn parse(self, text: &str) -> std::result::Result<semver::Version, String> {
        match self {
            Scheme::Semver => parse_version(text),
            // Python files may hold either spelling: packaging reads `1.3.0-rc.1` too.
            Scheme::Pep440 => parse_version(text).or_else(|_| pep440::to_semver(text)),
        }
    }

    /// How `version` is written in this scheme; an error when it cannot be.
    pub fn write(self, version: &semver::Version) -> std::result::Result<String, String> {
        match self {
            Scheme::Semver => Ok(version.to_string()),
            Scheme::Pep440 => pep440::from_semver(version),
        }
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
    /// The file's permissions forbid writing: a release must not replace it behind the owner's back.
    read_only: bool,
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
        VersionFiles::read_in(&WorkTree::unlisted(root), specs)
    }

    /// Like [`VersionFiles::read`], through `tree`: files it has read already are not read again.
    pub(crate) fn read_in(tree: &WorkTree, specs: &[LocationSpec]) -> Result<VersionFiles> {
        VersionFiles::build(specs, |spec| {
            check_inside(spec)?;
            check_no_link(tree, spec)?;
            Ok(tree.read_named(&spec.file)?.map(|read| FileBytes::clone(&read)))
        })
    }

    /// Like [`VersionFiles::read`], with the files' contents given (path relative to the root,
    /// bytes); a path not given is a missing file. For contents that are not on disk (a blob of
    /// another commit) and for fuzzing.
    pub fn from_contents(specs: &[LocationSpec], contents: &[(PathBuf, Vec<u8>)]) -> Result<VersionFiles> {
        VersionFiles::build(specs, |spec| {
            check_inside(spec)?;
            Ok(contents
                .iter()
                .find(|(path, _)| *path == spec.file)
                .map(|(_, bytes)| FileBytes { bytes: bytes.clone(), read_only: false }))
        })
    }

    /// Finds every field; `source` gives a location's file bytes, `None` when it does not exist.
    /// Each file is read once, then parsed once for all the locations in it (a catalog's
    /// marketplace holds one location per plugin).
    fn build(
        specs: &[LocationSpec],
        mut source: impl FnMut(&LocationSpec) -> Result<Option<FileBytes>>,
    ) -> Result<VersionFiles> {
        let mut files: Vec<SourceFile> = Vec::new();
        // Each file's index in `files`, by its components as `Path` equality sees them (`a/./b` is
        // `a/b`). Comparing with every file read so far made 600 locations in 300 files a tenth of
        // `vbump check`.
        let mut index_of: HashMap<PathBuf, usize> = HashMap::new();
        // For each location: the index of its file, `None` for an optional one that is missing.
        let mut file_of: Vec<Option<usize>> = Vec::with_capacity(specs.len());
        // The first location whose file cannot be read ends the reading; the locations before it
        // are still parsed, so that the error reported is the first in location order.
        let mut unreadable = None;
        for spec in specs {
            let key: PathBuf = spec.file.components().collect();
            let file_index = match index_of.get(&key) {
                Some(&index) => Ok(Some(index)),
                None => source(spec).and_then(|read| match read {
                    Some(read) => {
                        files.push(source_file(&spec.file, read)?);
                        index_of.insert(key, files.len() - 1);
                        Ok(Some(files.len() - 1))
                    }
                    None if spec.optional => Ok(None),
                    None => Err(missing(spec)),
                }),
            };
            match file_index {
                Ok(file_index) => file_of.push(file_index),
                Err(error) => {
                    unreadable = Some(error);
                    break;
                }
            }
        }

        let parsed: Vec<ParsedFile<'_>> = files.iter().map(ParsedFile::new).collect();
        let mut fields = Vec::new();
        let mut origins = Vec::new();
        for (spec_index, (spec, file_index)) in specs.iter().zip(&file_of).enumerate() {
            let Some(file_index) = *file_index else { continue };
            let file = &parsed[file_index];
            for found in find_all(file, spec)? {
                let span = found.span.start + file.source.bom..found.span.end + file.source.bom;
                fields.push(Field {
                    file: spec.file.clone(),
                    location: selector_text(&spec.selector).to_string(),
                    line: file.line_of(span.start),
                    value: found.value,
                    scheme: Scheme::of(&spec.file),
                    span,
                });
                origins.push((file_index, spec_index));
            }
        }
        if let Some(error) = unreadable {
            return Err(error);
        }
        Ok(VersionFiles { files, specs: specs.to_vec(), fields, origins })
    }

    /// Every field found, in location order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The index, among the locations given to [`VersionFiles::read`], of the location a field
    /// was found by (an optional location whose file is missing has no field; a regex may find
    /// several).
    pub fn spec_index(&self, field_index: usize) -> usize {
        self.origins[field_index].1
    }

    /// The version files read (each once), relative to the repository root.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|file| file.path.clone()).collect()
    }

    /// The values the same locations hold in other contents of the files (the blobs of an older
    /// commit), in location order; `None` when they cannot be read there.
    pub fn values_in(&self, contents: &[(PathBuf, Vec<u8>)]) -> Option<Vec<String>> {
        let other = VersionFiles::from_contents(&self.specs, contents).ok()?;
        Some(other.fields.into_iter().map(|field| field.value).collect())
    }

    /// The place of a field's value, `file:line:column`.
    pub fn place(&self, field_index: usize) -> Place {
        let (file_index, _) = self.origins[field_index];
        let file = &self.files[file_index];
        Place::of_offset(&file.path, &file.bytes, self.fields[field_index].span.start)
    }

    /// Each field's value read as the semantic version it means (PEP 440 in Python files); an
    /// invalid one is an exit-2 error naming the location.
    pub fn versions(&self) -> Result<Vec<(&Field, semver::Version)>> {
        let mut out = Vec::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            let version = field.scheme.parse(&field.value).map_err(|reason| {
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

    /// The edits that write `version` into every field, spelled as each file's scheme spells it
    /// (`1.3.0rc1` in Python files). Files whose bytes would not change are left out; each edit
    /// lists only the fields whose value changes. Each new content is parsed again and every field
    /// must read back as `version`. A version a file cannot spell, or a change to a read-only file,
    /// is an error before anything is written.
    pub fn set_version(&self, version: &semver::Version) -> Result<Vec<FileEdit>> {
        self.set_versions(|_| Some(version.clone()))
    }

    /// Like [`VersionFiles::set_version`], with a version per location: `version_of(i)` is the
    /// version the fields of the `i`-th location take, `None` to leave them alone. Several packages
    /// may share a file (a marketplace lists every plugin); each gets its own value in one edit.
    pub fn set_versions(
        &self,
        version_of: impl Fn(usize) -> Option<semver::Version>,
    ) -> Result<Vec<FileEdit>> {
        let versions: Vec<Option<semver::Version>> = (0..self.specs.len()).map(version_of).collect();
        let mut edits = Vec::new();
        for (file_index, file) in self.files.iter().enumerate() {
            let scheme = Scheme::of(&file.path);
            let mut mine: Vec<(usize, String)> = Vec::new();
            for i in (0..self.fields.len()).filter(|&i| self.origins[i].0 == file_index) {
                let Some(version) = &versions[self.origins[i].1] else { continue };
                let new = scheme.write(version).map_err(|reason| {
                    Error::input(format!("cannot write {version} into a Python file: {reason}"))
                        .in_file(&file.path)
                        .hint(
                            "pick a pre-release Python can spell: `--pre rc`, `--pre beta` or `--pre alpha`",
                        )
                })?;
                mine.push((i, new));
            }
            let mut spans: Vec<(&std::ops::Range<usize>, &str)> =
                mine.iter().map(|(i, new)| (&self.fields[*i].span, new.as_str())).collect();
            spans.sort_by_key(|(span, _)| (span.start, span.end));
            spans.dedup();
            if let Some(pair) = spans.windows(2).find(|pair| pair[0].0.end > pair[1].0.start) {
                return Err(Error::input("two locations overlap in one file; vbump cannot write both")
                    .at(Place::of_offset(&file.path, &file.bytes, pair[1].0.start))
                    .hint("remove one of the two locations from vbump.toml"));
            }
            let after = splice(&file.bytes, &spans);
            if after == file.bytes {
                continue;
            }
            if file.read_only {
                return Err(Error::input("the version file is read-only; vbump does not replace it")
                    .in_file(&file.path)
                    .hint(format!(
                        "make it writable (`chmod u+w {}`) if vbump should edit it",
                        file.path.display()
                    )));
            }
            self.confirm(file, &after, &mine)?;
            let changes = mine
                .iter()
                .map(|(i, new)| (&self.fields[*i], new))
                .filter(|(field, new)| field.value != **new)
                .map(|(field, new)| FieldChange {
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
    /// field now reads its new value.
    fn confirm(&self, file: &SourceFile, after: &[u8], fields: &[(usize, String)]) -> Result<()> {
        let edited = SourceFile {
            path: file.path.clone(),
            bytes: after.to_vec(),
            bom: file.bom,
            read_only: file.read_only,
        };
        let edited = ParsedFile::new(&edited);
        let mut spec_indexes: Vec<(usize, &str)> =
            fields.iter().map(|(i, new)| (self.origins[*i].1, new.as_str())).collect();
        spec_indexes.dedup();
        for (spec_index, new) in spec_indexes {
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

/// The version most values agree on; the highest wins a tie. `None` for no values.
pub fn most_common(versions: impl IntoIterator<Item = semver::Version>) -> Option<semver::Version> {
    let mut counts: Vec<(semver::Version, usize)> = Vec::new();
    for version in versions {
        match counts.iter_mut().find(|(v, _)| *v == version) {
            Some((_, n)) => *n += 1,
            None => counts.push((version, 1)),
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0))).map(|(v, _)| v)
}

/// `original` with each span replaced by its value. Spans are sorted and do not overlap.
pub fn splice(original: &[u8], spans: &[(&std::ops::Range<usize>, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(original.len() + spans.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut at = 0;
    for (span, value) in spans {
        out.extend_from_slice(&original[at..span.start]);
        out.extend_from_slice(value.as_bytes());
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
fn check_no_link(tree: &WorkTree, spec: &LocationSpec) -> Result<()> {
    let Some(link) = tree.link_on_the_way(&spec.file) else { return Ok(()) };
    Err(Error::input(format!(
        "version file `{}` goes through the symbolic link `{}`",
        spec.file.display(),
        link.display()
    ))
    .at(declared(spec))
    .hint("configure the file the link points to (`[[location]] file = ...` in vbump.toml)"))
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

/// The text of `root/file` for detection: a regular file's UTF-8 text without its byte order mark;
/// `None` when the file does not exist. The same checks as for a version file.
pub fn read_text(root: &Path, file: &Path) -> Result<Option<String>> {
    let Some(read) = crate::worktree::read_regular(root, file)? else { return Ok(None) };
    Ok(Some(source_file(file, read)?.text().to_string()))
}

/// Like [`read_text`], through `tree` (each file read once per tree).
pub(crate) fn read_text_in(tree: &WorkTree, file: &Path) -> Result<Option<String>> {
    let Some(read) = tree.read(file)? else { return Ok(None) };
    let bom = checked_utf8(file, &read.bytes)?;
    Ok(Some(String::from_utf8_lossy(&read.bytes[bom..]).into_owned()))
}

/// Checks the bytes are UTF-8 (after an optional byte order mark).
fn source_file(path: &Path, read: FileBytes) -> Result<SourceFile> {
    let FileBytes { bytes, read_only } = read;
    let bom = checked_utf8(path, &bytes)?;
    Ok(SourceFile { path: path.to_path_buf(), bytes, bom, read_only })
}

/// The length of the byte order mark (0 or 3) of bytes that are UTF-8 after it.
fn checked_utf8(path: &Path, bytes: &[u8]) -> Result<usize> {
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    if let Err(e) = std::str::from_utf8(&bytes[bom..]) {
        return Err(Error::input("the version file is not UTF-8 text")
            .at(Place::of_offset(path, bytes, bom + e.valid_up_to()))
            .hint("vbump edits UTF-8 files only; save it as UTF-8"));
    }
    Ok(bom)
}

/// A version file and its text as each editor parses it, each parse made once, on first use.
struct ParsedFile<'f> {
    source: &'f SourceFile,
    json: OnceCell<std::result::Result<json::Json<'f>, Located>>,
    toml: OnceCell<std::result::Result<toml_edit::Document<&'f str>, Located>>,
    /// The offset of every newline, for line numbers.
    newlines: OnceCell<Vec<usize>>,
}

impl<'f> ParsedFile<'f> {
    fn new(source: &'f SourceFile) -> ParsedFile<'f> {
        ParsedFile { source, json: OnceCell::new(), toml: OnceCell::new(), newlines: OnceCell::new() }
    }

    /// The 1-based line of a byte offset of the file (its byte order mark included).
    fn line_of(&self, offset: usize) -> usize {
        let newlines = self.newlines.get_or_init(|| {
            self.source.bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i).collect()
        });
        newlines.partition_point(|&newline| newline < offset) + 1
    }
}

/// Finds every field `spec` names in `file`: one, or several for `regex` with `all = true`.
fn find_all(file: &ParsedFile<'_>, spec: &LocationSpec) -> Result<Vec<Found>> {
    let text = file.source.text();
    let config_error = |message: String| {
        Error::input(message)
            .at(spec.declared_at.clone().unwrap_or_else(|| Place::file(&spec.file)))
            .hint("fix the location in vbump.toml (see README, \"Version locations\")")
    };
    let found = match &spec.selector {
        Selector::Json(pointer) => {
            let pointer = pointer::Pointer::parse(pointer).map_err(|e| config_error(e.0))?;
            let doc = file.json.get_or_init(|| json::parse(text));
            doc.clone().and_then(|root| json::find(&root, &pointer)).map(|f| vec![f])
        }
        Selector::Toml(path) => {
            let keys = toml::parse_path(path).map_err(config_error)?;
            let doc = file.toml.get_or_init(|| toml::parse(text));
            match doc {
                Ok(doc) => toml::find(doc, &keys).map(|f| vec![f]),
                Err(located) => Err(located.clone()),
            }
        }
        Selector::Regex { pattern, all } => {
            let regex = regex::compile(pattern).map_err(config_error)?;
            regex::find(text, &regex, *all)
        }
    };
    let source = file.source;
    found.map_err(|located| {
        let place = if located.placed {
            Place::of_offset(&source.path, &source.bytes, source.bom + located.offset)
        } else {
            Place::file(&source.path)
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
