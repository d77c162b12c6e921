//! Version locations: the configured ones, or those detected in a package's folder.
//!
//! Detection is conservative. A value is managed only when it is the package's own version:
//! named by a manifest that defines the package (its `version` key, its lock-file entry, the file
//! its `dynamic` version is read from), or, for copies no manifest names, equal to the package's
//! version today. Everything that looked like a version and was left alone is reported as
//! [`Skipped`], with the reason and what to write instead. The rules live one file per ecosystem:
//!
//! - `plugins`: agent plugin manifests (`.claude-plugin/`, `.codex-plugin/`, `.cursor-plugin/`,
//!   `.github/plugin/`, `gemini-extension.json`, …), their marketplace catalogs, and
//!   `name@version` pins of the package in their commands;
//! - `npm`: `package.json`, `package-lock.json` / `npm-shrinkwrap.json`, MCP `server.json`;
//! - `cargo`: `Cargo.toml` (package, workspace, members, internal path dependencies), `Cargo.lock`;
//! - `python`: `pyproject.toml` (PEP 621, Poetry, dynamic versions), `__version__`, `setup.cfg`,
//!   `uv.lock`;
//! - `tauri`: `src-tauri/tauri.conf.json` and the `src-tauri` crate;
//! - `plain`: a `VERSION` file that holds only the version;
//! - `release_please`: files release-please's configuration names, at its version markers;
//! - `subfolders`: manifests one or two folders down whose version equals the package's.
//!
//! A file that does not parse is an error: guessing around it could leave a version behind.

pub mod audit;
mod cargo;
mod npm;
pub(crate) mod own_version;
mod plain;
mod plugins;

pub(crate) use plugins::resolve_source;
mod python;
mod release_please;
mod subfolders;
mod tauri;

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, LocationSpec, Selector};
use crate::edit::{self, Scheme, json, pointer, toml};
use crate::error::{Error, Place, Result};
use crate::worktree::{Kind, Links, WorkTree};

/// What detection found in one package folder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Detection {
    /// The version locations, in rule order.
    pub locations: Vec<LocationSpec>,
    /// Version-like values left alone, each with the reason.
    pub skipped: Vec<Skipped>,
}

/// A value detection saw and did not manage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Path relative to the repository root.
    pub file: PathBuf,
    /// What was seen (`/version "0.0.0"`, `version.workspace = true`, …).
    pub what: String,
    /// Why it is not managed, and what to write if it should be.
    pub why: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file.display(), self.what, self.why)
    }
}

/// The locations to use: the configured ones, else those detected at the repository root (with
/// the marketplace's own version dropped when it is independent of the plugin, see `own_version`).
pub fn resolve(root: &Path, config: &Config) -> Result<Vec<LocationSpec>> {
    Ok(resolve_noted(root, config)?.locations)
}

/// The locations of a single-package repository, and what the user should be told about them.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub locations: Vec<LocationSpec>,
    /// What was decided about a marketplace's own version among the detected locations.
    pub marketplace: Option<own_version::Choice>,
}

impl Resolved {
    /// Lines for the user (the marketplace's own version left alone without configuration).
    pub(crate) fn notes(&self) -> Vec<String> {
        self.marketplace.as_ref().and_then(own_version::Choice::note).into_iter().collect()
    }
}

/// Like [`resolve`], with the decision about the marketplace's own version. Configured locations
/// are used as written: they say themselves whether that version is managed.
pub(crate) fn resolve_noted(root: &Path, config: &Config) -> Result<Resolved> {
    match &config.locations {
        Some(locations) => Ok(Resolved { locations: locations.clone(), marketplace: None }),
        None => {
            let detected = detect(root, Path::new(""))?.locations;
            let (locations, marketplace) = own_version::apply(root, config.marketplace_version, detected)?;
            Ok(Resolved { locations, marketplace })
        }
    }
}

/// Detects the version locations of the package in `package` (relative to `root`; `""` is the
/// repository root). Files are named relative to `root`.
pub fn detect(root: &Path, package: &Path) -> Result<Detection> {
    Detector::new(&WorkTree::new(root)).detect(package)
}

/// Detects the packages in `folders` (relative to the tree's root), in that order, with one
/// [`Detector`]: the result of [`Detector::detect`] for each, the first error (in `folders` order)
/// included.
///
/// A catalog of hundreds of plugins spends most of its detection listing folders, which the file
/// system does as well from several threads. From [`PARALLEL_FROM`] folders on, they are split
/// into consecutive runs detected on up to [`MAX_THREADS`] threads, each with a work tree of its own
/// that `tree` takes over afterwards. Detection of one folder depends on no other, so the split
/// changes nothing but the time.
pub(crate) fn detect_all(tree: &WorkTree, folders: &[&Path]) -> Result<Vec<Detection>> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.min(MAX_THREADS).min(folders.len() / PARALLEL_FROM).max(1);
    if threads == 1 {
        let detector = Detector::new(tree);
        return folders.iter().map(|folder| detector.detect(folder)).collect();
    }
    let root = tree.root();
    let runs: Vec<(Result<Vec<Detection>>, WorkTree)> = std::thread::scope(|scope| {
        let handles: Vec<_> = folders
            .chunks(folders.len().div_ceil(threads))
            .map(|run| {
                scope.spawn(move || {
                    let own = WorkTree::new(root);
                    let detector = Detector::new(&own);
                    let detected = run.iter().map(|folder| detector.detect(folder)).collect();
                    drop(detector);
                    (detected, own)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut detections = Vec::with_capacity(folders.len());
    for (detected, own) in runs {
        tree.absorb(own);
        detections.extend(detected?);
    }
    Ok(detections)
}

/// Folders per thread below which [`detect_all`] does not start one: a thread costs about as much
/// as detecting a few plugin folders.
const PARALLEL_FROM: usize = 32;
/// Threads [`detect_all`] uses at most; past a few, the file system is the limit.
const MAX_THREADS: usize = 4;

/// Detection in one work tree, for any number of packages: each folder is listed once and the
/// root's catalogs are read once for all of them (a catalog of 300 plugins reads its marketplace
/// once, not once per plugin).
struct Detector<'t> {
    tree: &'t WorkTree,
    /// The root's catalogs, read once for every package.
    catalogs: plugins::RootCatalogs,
}

impl<'t> Detector<'t> {
    fn new(tree: &'t WorkTree) -> Detector<'t> {
        Detector { tree, catalogs: plugins::RootCatalogs::default() }
    }

    /// Detects the version locations of the package in `package` (relative to the root; `""` is
    /// the root). Files are named relative to the root.
    fn detect(&self, package: &Path) -> Result<Detection> {
        let mut scan = Scan::new(self, package);
        // Manifests that define the package first: they establish its name and version.
        plugins::manifests(&mut scan)?;
        plugins::marketplaces(&mut scan)?;
        npm::package(&mut scan)?;
        cargo::crate_or_workspace(&mut scan, Path::new(""))?;
        python::project(&mut scan)?;
        tauri::app(&mut scan)?;
        // Then copies no manifest names, kept when they equal the package's version.
        plain::version_file(&mut scan)?;
        npm::mcp_server(&mut scan)?;
        plugins::pinned_commands(&mut scan)?;
        release_please::extra_files(&mut scan)?;
        subfolders::manifests(&mut scan)?;
        Ok(Detection { locations: scan.found.into_iter().map(|d| d.spec).collect(), skipped: scan.skipped })
    }
}

/// One detected location and the value it holds today.
struct Detected {
    spec: LocationSpec,
    value: String,
    /// Named by a manifest that defines the package (rather than kept for being equal).
    defines: bool,
}

/// The name and version agent plugin manifests give the package: other manifests in the folder
/// that disagree on both describe another package (a helper library beside the plugin).
struct Identity {
    names: Vec<String>,
    version: String,
}

/// Detection state for one package folder.
struct Scan<'a> {
    detector: &'a Detector<'a>,
    /// The package folder, relative to the root (empty for the root).
    dir: PathBuf,
    found: Vec<Detected>,
    skipped: Vec<Skipped>,
    plugin: Option<Identity>,
}

impl<'a> Scan<'a> {
    fn new(detector: &'a Detector<'a>, dir: &Path) -> Scan<'a> {
        Scan { detector, dir: normalise(dir), found: Vec::new(), skipped: Vec::new(), plugin: None }
    }

    /// `file` (relative to the package folder) relative to the root.
    fn path(&self, file: impl AsRef<Path>) -> PathBuf {
        normalise(&self.dir.join(file))
    }

    /// A file's text (relative to the root); `None` when it does not exist.
    fn read(&self, file: &Path) -> Result<Option<String>> {
        edit::read_text_in(self.detector.tree, file)
    }

    fn is_file(&self, file: &Path) -> bool {
        self.detector.tree.is_file(file)
    }

    /// The sub-folders of `folder` (relative to the root), sorted by name.
    fn subfolders(&self, folder: &Path, links: Links) -> Vec<String> {
        self.detector.tree.subfolders(folder, links)
    }

    /// The names of the files (and links) in `folder` (relative to the root), sorted.
    fn file_names(&self, folder: &Path) -> Vec<String> {
        let entries = self.detector.tree.entries(folder);
        entries.into_iter().filter(|(_, kind)| *kind != Kind::Folder).map(|(name, _)| name).collect()
    }

    fn is_detected(&self, file: &Path) -> bool {
        self.found.iter().any(|d| d.spec.file == file)
    }

    /// Adds a location unless the same one is there already. A value that is no version at all
    /// (`"latest"`) is reported instead: managing it would stop every plan with an error.
    fn add(&mut self, file: &Path, selector: Selector, value: &str, defines: bool) {
        if self.found.iter().any(|d| d.spec.file == file && d.spec.selector == selector) {
            return;
        }
        if parse_any(value).is_none() {
            let what = format!("{} \"{value}\"", edit::selector_text(&selector));
            self.skip(file, what, "not a version; write one (`vbump set 1.0.0`) or add a [[location]] if vbump should manage it");
            return;
        }
        let spec = LocationSpec { file: file.to_path_buf(), selector, optional: false, declared_at: None };
        self.found.push(Detected { spec, value: value.to_string(), defines });
    }

    fn skip(&mut self, file: &Path, what: impl Into<String>, why: impl Into<String>) {
        let skipped = Skipped { file: file.to_path_buf(), what: what.into(), why: why.into() };
        if !self.skipped.contains(&skipped) {
            self.skipped.push(skipped);
        }
    }

    /// The package's version today: the value most defining locations agree on (by meaning, so
    /// `1.3.0rc1` in pyproject.toml and `1.3.0-rc.1` in Cargo.toml agree); the highest on a tie.
    fn own_version(&self) -> Option<semver::Version> {
        edit::most_common(
            self.found
                .iter()
                .filter(|d| d.defines)
                .filter_map(|d| Scheme::of(&d.spec.file).parse(&d.value).ok()),
        )
    }

    /// True when `value` (as written in `file`) means the package's version today.
    fn is_own_version(&self, file: &Path, value: &str) -> bool {
        let own = self.own_version();
        own.is_some() && Scheme::of(file).parse(value).ok() == own
    }

    /// Whether a language manifest in a plugin's folder describes the plugin. One with another
    /// name *and* another version describes a different package and is reported, not managed.
    fn accepts_manifest(&mut self, file: &Path, name: Option<&str>, version: &str) -> bool {
        let Some(plugin) = &self.plugin else { return true };
        let same_name = name.is_some_and(|n| plugin.names.iter().any(|p| p == n));
        let same_version = Scheme::of(file).parse(version).ok() == parse_any(&plugin.version);
        if same_name || same_version {
            return true;
        }
        let why = format!(
            "it defines another package ({} {version}) than the plugin beside it ({} {}); add a [[location]] if it should follow the plugin",
            name.unwrap_or("unnamed"),
            plugin.names.first().map_or("unnamed", String::as_str),
            plugin.version
        );
        self.skip(file, format!("version \"{version}\""), why);
        false
    }
}

/// A value read by meaning in either spelling.
fn parse_any(value: &str) -> Option<semver::Version> {
    Scheme::Pep440.parse(value).ok()
}

/// `a/./b/../c` as `a/c`, with `/` separators.
fn normalise(path: &Path) -> PathBuf {
    // Nearly every path detection builds is a clean folder joined with a constant file name:
    // taken as it is (walking components costs more than the probe it names).
    if crate::worktree::is_clean(path) {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// A path as written in messages and selectors: `/` separators.
fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn json_selector(pointer: &str) -> Selector {
    Selector::Json(pointer.to_string())
}

fn toml_selector(keys: &[&str]) -> Selector {
    Selector::Toml(keys.iter().map(|k| quote_key(k)).collect::<Vec<_>>().join("."))
}

/// A TOML key as written in a key path: bare when it can be, else a quoted string.
fn quote_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn regex_selector(pattern: String, all: bool) -> Selector {
    Selector::Regex { pattern, all }
}

fn parse_error(file: &Path, text: &str, located: edit::Located) -> Error {
    Error::input(located.message)
        .at(Place::of_offset(file, text.as_bytes(), located.offset))
        .hint("fix the file so vbump can detect its version, or list the locations in vbump.toml")
}

fn parse_json<'t>(text: &'t str, file: &Path) -> Result<json::Json<'t>> {
    json::parse(text).map_err(|e| parse_error(file, text, e))
}

fn parse_toml<'t>(text: &'t str, file: &Path) -> Result<toml_edit::Document<&'t str>> {
    toml::parse(text).map_err(|e| parse_error(file, text, e))
}

fn json_pointer(text: &str) -> pointer::Pointer {
    pointer::Pointer::parse(text).expect("detection's pointers are valid")
}

/// The string at `pointer`, `None` when nothing is there. A version that is there but is not a
/// string (`"version": 1.2`) is an error: skipping it would release without it.
fn json_version(doc: &json::Json<'_>, text: &str, file: &Path, pointer: &str) -> Result<Option<String>> {
    let parsed = json_pointer(pointer);
    if !doc.has(&parsed) {
        return Ok(None);
    }
    match doc.string_at(&parsed) {
        Ok(found) => Ok(Some(found.value)),
        Err(located) => Err(Error::input(format!(
            "`{pointer}` is not a string: {}; vbump edits string versions only",
            located.message.trim_start_matches("the value is ")
        ))
        .at(Place::of_offset(file, text.as_bytes(), located.offset))
        .hint("write the version as a JSON string, e.g. \"version\": \"1.2.0\", or configure the locations in vbump.toml")),
    }
}

fn json_string(doc: &json::Json<'_>, pointer: &str) -> Option<String> {
    doc.get_string(&json_pointer(pointer))
}

/// The string at a TOML key path, `None` when absent or not a string.
fn toml_string(doc: &toml_edit::Document<&str>, keys: &[&str]) -> Option<String> {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    toml::find(doc, &keys).ok().map(|found| found.value)
}

/// The version string at a TOML key path of a manifest, `None` when absent (or a table, such as
/// `version.workspace = true`). A number, boolean, date or array there is an error, like a
/// non-string JSON version.
fn toml_version(
    doc: &toml_edit::Document<&str>,
    text: &str,
    file: &Path,
    keys: &[&str],
) -> Result<Option<String>> {
    let mut item = Some(doc.as_item());
    for key in keys {
        item = item.and_then(|i| i.get(key));
    }
    let Some(toml_edit::Item::Value(value)) = item else { return Ok(None) };
    if value.is_str() || value.is_inline_table() {
        return Ok(toml_string(doc, keys));
    }
    let offset = value.span().map_or(0, |span| span.start);
    Err(Error::input(format!(
        "`{}` is {}, not a string; vbump edits string versions only",
        keys.join("."),
        value.type_name()
    ))
    .at(Place::of_offset(file, text.as_bytes(), offset))
    .hint("write the version as a TOML string, e.g. version = \"1.2.0\", or configure the locations in vbump.toml"))
}

/// A regex location's pattern that matches exactly once in `text`, or `None`.
fn matches_once(text: &str, pattern: &str) -> Option<String> {
    let regex = regex::Regex::new(pattern).ok()?;
    let mut captures = regex.captures_iter(text);
    let first = captures.next()?.name("version")?.as_str().to_string();
    captures.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests;
