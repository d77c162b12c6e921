//! npm: `package.json`, its lock file, and an MCP registry `server.json`.
//!
//! `npm ci` refuses a `package-lock.json` whose root entry disagrees with `package.json`, so the
//! lock's `/version` and `/packages//version` (the `""` key is the root package) follow the manifest
//! when the lock names the same package. `npm-shrinkwrap.json` has the same shape.
//!
//! An MCP `server.json` describes the server this repository publishes: its `/version`, and the
//! `/packages/[identifier=…]/version` of the entry for the package itself (same identifier as the
//! npm or Python package name), are kept when they equal the package's version. A different value
//! is reported, not changed: it may pin an older published build on purpose.

use std::path::Path;

use super::{Scan, json_selector, json_string, json_version, parse_json};
use crate::edit::pointer;
use crate::error::Result;

/// `package.json` `/version`, and the lock file's entries for the same package.
pub(super) fn package(scan: &mut Scan<'_>) -> Result<()> {
    let file = scan.path("package.json");
    let Some(text) = scan.read(&file)? else { return Ok(()) };
    let doc = parse_json(&text, &file)?;
    let name = json_string(&doc, "/name");
    let Some(version) = json_version(&doc, &text, &file, "/version")? else { return Ok(()) };
    if !scan.accepts_manifest(&file, name.as_deref(), &version) {
        return Ok(());
    }
    scan.add(&file, json_selector("/version"), &version, true);
    for lock_name in ["package-lock.json", "npm-shrinkwrap.json"] {
        let lock = scan.path(lock_name);
        let Some(lock_text) = scan.read(&lock)? else { continue };
        lock_entries(scan, &lock, &lock_text, name.as_deref())?;
    }
    Ok(())
}

fn lock_entries(scan: &mut Scan<'_>, lock: &Path, text: &str, name: Option<&str>) -> Result<()> {
    let doc = parse_json(text, lock)?;
    if json_string(&doc, "/name").as_deref() != name {
        scan.skip(
            lock,
            "/version",
            "the lock file names another package than package.json; run `npm install` to refresh it",
        );
        return Ok(());
    }
    for pointer in ["/version", "/packages//version"] {
        if let Some(version) = json_version(&doc, text, lock, pointer)? {
            scan.add(lock, json_selector(pointer), &version, true);
        }
    }
    Ok(())
}

/// An MCP registry `server.json` beside the package.
pub(super) fn mcp_server(scan: &mut Scan<'_>) -> Result<()> {
    let file = scan.path("server.json");
    let Some(text) = scan.read(&file)? else { return Ok(()) };
    let doc = parse_json(&text, &file)?;
    // A server.json is recognised by its schema or its `packages` list, not by its name alone.
    let is_mcp = json_string(&doc, "/$schema").is_some_and(|s| s.contains("modelcontextprotocol"))
        || doc.has(&super::json_pointer("/packages"));
    if !is_mcp {
        return Ok(());
    }
    let Some(own) = scan.own_version() else {
        scan.skip(&file, "/version", "no manifest beside it gives the package's version to compare with");
        return Ok(());
    };
    if let Some(version) = json_version(&doc, &text, &file, "/version")? {
        keep_if_own(scan, &file, "/version", &version, &own);
    }
    let names = own_names(scan)?;
    let entries = doc.elements_at(&super::json_pointer("/packages")).unwrap_or_default();
    let identifiers: Vec<Option<String>> = entries.iter().map(|e| json_string(e, "/identifier")).collect();
    for (index, identifier) in identifiers.iter().enumerate() {
        let Some(identifier) = identifier else { continue };
        if !names.contains(identifier) {
            continue;
        }
        let Some(version) = json_version(&doc, &text, &file, &format!("/packages/{index}/version"))? else {
            continue;
        };
        let pointer = if identifiers.iter().filter(|i| i.as_ref() == Some(identifier)).count() == 1 {
            format!("/packages/[identifier={}]/version", pointer::escape(identifier))
        } else {
            format!("/packages/{index}/version")
        };
        keep_if_own(scan, &file, &pointer, &version, &own);
    }
    Ok(())
}

fn keep_if_own(scan: &mut Scan<'_>, file: &Path, pointer: &str, version: &str, own: &semver::Version) {
    if scan.is_own_version(file, version) {
        scan.add(file, json_selector(pointer), version, false);
    } else {
        let why = format!(
            "it says {version}, the package's version is {own}: vbump changes copies only when they agree today; fix it with `vbump set` or add a [[location]]"
        );
        scan.skip(file, format!("{pointer} \"{version}\""), why);
    }
}

/// The names the package is published under: npm's `name`, pyproject's `project.name`, and
/// Cargo's `package.name` in the package folder.
fn own_names(scan: &Scan<'_>) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let package = scan.path("package.json");
    if let Some(text) = scan.read(&package)? {
        names.extend(json_string(&parse_json(&text, &package)?, "/name"));
    }
    for (manifest, keys) in [("pyproject.toml", ["project", "name"]), ("Cargo.toml", ["package", "name"])] {
        let file = scan.path(manifest);
        if let Some(text) = scan.read(&file)? {
            names.extend(super::toml_string(&super::parse_toml(&text, &file)?, &keys));
        }
    }
    Ok(names)
}
