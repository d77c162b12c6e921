//! Rust: `Cargo.toml` packages and workspaces, and `Cargo.lock`.
//!
//! - `package.version`, or `workspace.package.version` (members with `version.workspace = true`
//!   inherit it; a member folder detected on its own points at the workspace's value).
//! - Workspace members with a `version` of their own are kept when it equals the package's version
//!   (a workspace released in lockstep), and reported otherwise (each is then a package of its own).
//!   A virtual workspace without `workspace.package.version` whose members all agree is in lockstep.
//! - Internal path dependencies' `version = "…"` requirements (`[workspace.dependencies]` and the
//!   members' dependency tables) that pin a released crate's current version: after a major or 0.x
//!   minor bump they would no longer match the crate, and `cargo publish` would fail.
//! - `Cargo.lock` entries of every released crate, because `cargo build --locked` fails on a stale
//!   lock file. An entry is only taken when the lock holds exactly one package of that name (two
//!   would be the crate and a registry crate of the same name).

use std::path::{Path, PathBuf};

use toml_edit::Item;

use super::{Scan, parse_toml, regex_selector, toml_selector, toml_string};
use crate::error::Result;
use crate::worktree::Links;

/// The crate or workspace in `sub` (relative to the package folder: `""`, or `src-tauri`).
pub(super) fn crate_or_workspace(scan: &mut Scan<'_>, sub: &Path) -> Result<()> {
    let folder = scan.path(sub);
    let file = folder.join("Cargo.toml");
    let Some(text) = scan.read(&file)? else { return Ok(()) };
    let doc = parse_toml(&text, &file)?;
    let mut released: Vec<(String, String)> = Vec::new();
    let name = toml_string(&doc, &["package", "name"]);
    if let Some(version) = super::toml_version(&doc, &text, &file, &["package", "version"])? {
        if scan.accepts_manifest(&file, name.as_deref(), &version) {
            scan.add(&file, toml_selector(&["package", "version"]), &version, true);
            released.extend(name.clone().map(|n| (n, version.clone())));
        }
    } else if inherits(doc.get("package")) && doc.get("workspace").is_none() {
        match workspace_above(scan, &folder)? {
            Some((workspace, version)) => {
                scan.add(&workspace, toml_selector(&["workspace", "package", "version"]), &version, true);
                released.extend(name.clone().map(|n| (n, version)));
            }
            None => scan.skip(
                &file,
                "version.workspace = true",
                "no workspace above sets `workspace.package.version`; configure the location in vbump.toml",
            ),
        }
    }
    if doc.get("workspace").is_some() {
        workspace(scan, &folder, &file, &doc, &mut released)?;
    }
    lock_entries(scan, &folder, &released)
}

fn inherits(package: Option<&Item>) -> bool {
    package
        .and_then(|p| p.get("version"))
        .and_then(|v| v.get("workspace"))
        .and_then(Item::as_bool)
        .unwrap_or(false)
}

/// The nearest workspace `Cargo.toml` above `folder` (inside the repository) that sets
/// `workspace.package.version`, with that version.
fn workspace_above(scan: &Scan<'_>, folder: &Path) -> Result<Option<(PathBuf, String)>> {
    let mut current = folder.to_path_buf();
    while current.pop() {
        let file = current.join("Cargo.toml");
        if let Some(text) = scan.read(&file)? {
            let doc = parse_toml(&text, &file)?;
            if doc.get("workspace").is_some() {
                return Ok(toml_string(&doc, &["workspace", "package", "version"]).map(|v| (file, v)));
            }
        }
    }
    Ok(None)
}

/// A member of the workspace: its manifest and what it says about its version.
struct Member {
    file: PathBuf,
    text: String,
    name: Option<String>,
    version: Option<String>,
    inherits: bool,
}

fn workspace(
    scan: &mut Scan<'_>,
    folder: &Path,
    file: &Path,
    doc: &toml_edit::Document<&str>,
    released: &mut Vec<(String, String)>,
) -> Result<()> {
    let workspace_version = super::toml_version(doc, doc.raw(), file, &["workspace", "package", "version"])?;
    if let Some(version) = &workspace_version
        && scan.accepts_manifest(file, None, version)
    {
        scan.add(file, toml_selector(&["workspace", "package", "version"]), version, true);
    }
    let members = members(scan, folder, file, doc)?;
    for member in &members {
        if member.inherits {
            match (&member.name, &workspace_version) {
                (Some(name), Some(version)) => released.push((name.clone(), version.clone())),
                _ => scan.skip(
                    &member.file,
                    "version.workspace = true",
                    "the workspace sets no `workspace.package.version`",
                ),
            }
        }
    }
    // A virtual workspace whose members all say the same version is released in lockstep.
    let own_versions: Vec<&String> = members.iter().filter_map(|m| m.version.as_ref()).collect();
    let lockstep = scan.own_version().is_none()
        && !own_versions.is_empty()
        && own_versions.iter().all(|v| *v == own_versions[0]);
    for member in &members {
        let Some(version) = &member.version else { continue };
        if lockstep || scan.is_own_version(&member.file, version) {
            scan.add(&member.file, toml_selector(&["package", "version"]), version, lockstep);
            released.extend(member.name.clone().map(|n| (n, version.clone())));
        } else {
            let own = scan.own_version().map(|v| v.to_string()).unwrap_or_default();
            let why = if own.is_empty() {
                "the members have different versions: each is a package of its own; give each a [[package]] or list the locations in vbump.toml".to_string()
            } else {
                format!(
                    "it has its own version, not the workspace's {own}: a package of its own; add a [[location]] if it should follow"
                )
            };
            scan.skip(&member.file, format!("package.version \"{version}\""), why);
        }
    }
    requirements(scan, file, doc, &["workspace", "dependencies"], released);
    for member in &members {
        let member_doc = parse_toml(&member.text, &member.file)?;
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            requirements(scan, &member.file, &member_doc, &[table], released);
        }
    }
    Ok(())
}

/// The members `workspace.members` names (literal folders and `folder/*`), minus `exclude`.
fn members(
    scan: &mut Scan<'_>,
    folder: &Path,
    file: &Path,
    doc: &toml_edit::Document<&str>,
) -> Result<Vec<Member>> {
    let strings = |key: &str| -> Vec<String> {
        doc.get("workspace")
            .and_then(|w| w.get(key))
            .and_then(Item::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let excluded: Vec<PathBuf> =
        strings("exclude").iter().map(|e| super::normalise(&folder.join(e))).collect();
    let mut folders = Vec::new();
    for pattern in strings("members") {
        if let Some(parent) = pattern.strip_suffix("/*") {
            let parent = super::normalise(&folder.join(parent));
            folders.extend(scan.subfolders(&parent, Links::Follow).into_iter().map(|name| parent.join(name)));
        } else if pattern.contains(['*', '?', '[']) {
            scan.skip(
                file,
                format!("workspace member \"{pattern}\""),
                "vbump expands only `folder/*` patterns; list the member's location in vbump.toml",
            );
        } else {
            folders.push(super::normalise(&folder.join(&pattern)));
        }
    }
    let mut members = Vec::new();
    for member in folders.into_iter().filter(|f| !excluded.contains(f) && f != folder) {
        let file = member.join("Cargo.toml");
        let Some(text) = scan.read(&file)? else { continue };
        let doc = parse_toml(&text, &file)?;
        let name = toml_string(&doc, &["package", "name"]);
        let version = toml_string(&doc, &["package", "version"]);
        let inherits = inherits(doc.get("package"));
        drop(doc);
        members.push(Member { file, text, name, version, inherits });
    }
    Ok(members)
}

/// Requirements on released crates in the dependency table at `keys` (`name = { path = "…",
/// version = "…" }`): kept when they pin the crate's current version exactly.
fn requirements(
    scan: &mut Scan<'_>,
    file: &Path,
    doc: &toml_edit::Document<&str>,
    keys: &[&str],
    released: &[(String, String)],
) {
    let mut table: Option<&Item> = doc.get(keys[0]);
    for key in &keys[1..] {
        table = table.and_then(|t| t.get(key));
    }
    let Some(table) = table.and_then(Item::as_table_like) else { return };
    for (key, item) in table.iter() {
        if item.get("path").is_none() {
            continue;
        }
        let Some(requirement) = item.get("version").and_then(Item::as_str) else { continue };
        let crate_name = item.get("package").and_then(Item::as_str).unwrap_or(key);
        let Some((_, version)) = released.iter().find(|(name, _)| name == crate_name) else { continue };
        let mut path: Vec<&str> = keys.to_vec();
        path.extend([key, "version"]);
        if requirement == version {
            scan.add(file, toml_selector(&path), requirement, false);
        } else {
            let why = format!(
                "the requirement is not {crate_name}'s version {version}: vbump only keeps requirements that pin the current version; add a [[location]] if it should follow"
            );
            scan.skip(file, format!("{} = \"{requirement}\"", path.join(".")), why);
        }
    }
}

/// The `Cargo.lock` beside the crate or above it (a workspace's), with an entry per released crate.
fn lock_entries(scan: &mut Scan<'_>, folder: &Path, released: &[(String, String)]) -> Result<()> {
    if released.is_empty() {
        return Ok(());
    }
    let mut current = folder.to_path_buf();
    let (lock, text) = loop {
        let lock = current.join("Cargo.lock");
        if let Some(text) = scan.read(&lock)? {
            break (lock, text);
        }
        if !current.pop() {
            return Ok(());
        }
    };
    for (name, _) in released {
        let pattern = lock_pattern(name);
        match super::matches_once(&text, &pattern) {
            Some(value) => scan.add(&lock, regex_selector(pattern, false), &value, true),
            None if text.contains(&format!("name = \"{name}\"")) => scan.skip(
                &lock,
                format!("[[package]] name = \"{name}\""),
                "the lock holds more than one package of that name; run `cargo update -w` after a release",
            ),
            None => {}
        }
    }
    Ok(())
}

/// A `Cargo.lock` entry's version, by the crate's name.
pub(super) fn lock_pattern(name: &str) -> String {
    format!(r#"(?m)^name = "{}"\r?\nversion = "(?P<version>[^"]+)""#, regex::escape(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_entry_of_a_lock_file_is_found_once() {
        let lock = "version = 4\n\n[[package]]\nname = \"demo\"\nversion = \"1.2.0\"\ndependencies = [\n \"semver\",\n]\n\n\
                    [[package]]\nname = \"demo-core\"\nversion = \"1.2.0\"\n";
        assert_eq!(super::super::matches_once(lock, &lock_pattern("demo")).as_deref(), Some("1.2.0"));
        let twice =
            format!("{lock}\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\nsource = \"registry\"\n");
        assert_eq!(super::super::matches_once(&twice, &lock_pattern("demo")), None);
        assert_eq!(super::super::matches_once(lock, &lock_pattern("other")), None);
    }
}
