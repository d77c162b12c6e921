//! Packages in subfolders (`npm-package/package.json`, `integrations/x/pyproject.toml`) whose
//! version equals the package's: the same release published to another registry.
//!
//! Only one or two folders down, never in folders that hold other things than the package
//! (`node_modules`, `tests`, `examples`, hidden folders, …), never in plugin folders (each is a
//! package of its own), and never when the shared value is a usual first version (`0.0.0`,
//! `0.1.0`, `1.0.0`): two unrelated packages agree on those by chance.

use std::path::{Path, PathBuf};

use super::{Scan, json_selector, json_string, parse_json, parse_toml, toml_selector, toml_string};
use crate::error::Result;
use crate::worktree::Links;

/// Folder names that never hold the package's own copies.
const IGNORED: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    "out",
    "vendor",
    "third_party",
    "third-party",
    "tests",
    "test",
    "testdata",
    "fixtures",
    "examples",
    "example",
    "samples",
    "e2e",
    "docs",
    "doc",
    "templates",
    "venv",
    "__pycache__",
    "src-tauri",
];
/// Values two unrelated packages share by chance.
const USUAL_FIRST: &[&str] = &["0.0.0", "0.1.0", "1.0.0"];

pub(super) fn manifests(scan: &mut Scan<'_>) -> Result<()> {
    let Some(own) = scan.own_version() else { return Ok(()) };
    for folder in folders(scan) {
        for (manifest, selector, value) in versions_in(scan, &folder)? {
            if scan.is_detected(&manifest) || scan.skipped.iter().any(|s| s.file == manifest) {
                continue;
            }
            let same = scan.is_own_version(&manifest, &value);
            if same && !USUAL_FIRST.contains(&own.to_string().as_str()) {
                scan.add(&manifest, selector, &value, false);
            } else if same {
                let why = format!(
                    "it equals the package's version, but {own} is a usual first version, so the match may be chance; add a [[location]] if it should follow"
                );
                scan.skip(&manifest, format!("version \"{value}\""), why);
            } else {
                let why = format!(
                    "a package of its own (the package's version is {own}); give it a [[package]] or a [[location]] if it should follow"
                );
                scan.skip(&manifest, format!("version \"{value}\""), why);
            }
        }
    }
    Ok(())
}

/// The folders one or two levels below the package folder that may hold a copy, sorted.
pub(super) fn folders(scan: &Scan<'_>) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    for child in children(scan, &scan.dir.clone()) {
        folders.extend(children(scan, &child));
        folders.push(child);
    }
    folders.sort();
    folders
}

/// The sub-folders of `folder` that may hold a copy.
fn children(scan: &Scan<'_>, folder: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for name in scan.subfolders(folder, Links::Skip) {
        if name.starts_with('.') || IGNORED.contains(&name.as_str()) {
            continue;
        }
        let child = folder.join(&name);
        let is_plugin = super::plugins::MANIFESTS[..super::plugins::MANIFESTS.len() - 1]
            .iter()
            .any(|m| scan.is_file(&child.join(m)));
        if !is_plugin {
            out.push(child);
        }
    }
    out
}

/// The version values of the manifests in `folder`: `package.json` `/version`, `pyproject.toml`
/// `project.version` / `tool.poetry.version`, `Cargo.toml` `package.version`.
fn versions_in(
    scan: &mut Scan<'_>,
    folder: &Path,
) -> Result<Vec<(PathBuf, crate::config::Selector, String)>> {
    let mut out = Vec::new();
    let package = folder.join("package.json");
    if let Some(text) = readable(scan, &package) {
        match parse_json(&text, &package) {
            Ok(doc) => {
                out.extend(json_string(&doc, "/version").map(|v| (package, json_selector("/version"), v)))
            }
            Err(error) => unparsable(scan, &package, &error),
        }
    }
    for (manifest, keys) in [
        ("pyproject.toml", &["project", "version"][..]),
        ("pyproject.toml", &["tool", "poetry", "version"]),
        ("Cargo.toml", &["package", "version"]),
    ] {
        let file = folder.join(manifest);
        let Some(text) = readable(scan, &file) else { continue };
        match parse_toml(&text, &file) {
            Ok(doc) => out.extend(toml_string(&doc, keys).map(|v| (file, toml_selector(keys), v))),
            Err(error) => unparsable(scan, &file, &error),
        }
    }
    Ok(out)
}

/// A subfolder's manifest belongs to another package until it is shown to share the version, so
/// one that cannot be read or parsed is reported, not an error for this package.
fn readable(scan: &mut Scan<'_>, file: &Path) -> Option<String> {
    match scan.read(file) {
        Ok(text) => text,
        Err(error) => {
            unparsable(scan, file, &error);
            None
        }
    }
}

fn unparsable(scan: &mut Scan<'_>, file: &Path, error: &crate::error::Error) {
    scan.skip(file, "manifest", format!("it cannot be read ({}), so it is not compared", error.message));
}
