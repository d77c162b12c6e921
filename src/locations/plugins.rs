//! Agent plugin manifests, their marketplace catalogs, and pins of the package in their commands.
//!
//! One plugin often ships a manifest per agent, all with the same `version`: Claude Code's
//! `.claude-plugin/plugin.json`, Codex's `.codex-plugin/plugin.json`, Cursor's, Copilot's
//! `.github/plugin/plugin.json`, Kimi's, Grok's, Devin's, and Gemini CLI's `gemini-extension.json`.
//!
//! A marketplace catalog (`<agent dir>/marketplace.json`) lists plugins. An entry's `version` is
//! the package's when its local `source` resolves to the package folder (`./`, `.`, a bare name under
//! `metadata.pluginRoot`, or Codex's `{"source": "local", "path": …}`). Sources fetched from
//! elsewhere (`github`, `url`, `git-subdir`, …) are never touched. When a catalog at the root lists
//! exactly one local plugin, that plugin is the repository's: its entry, its own manifests, and the
//! catalog's `/version` or `/metadata/version` are all detected. A catalog of several plugins is
//! left to per-package detection (each plugin folder is a package of its own).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{Identity, Scan, display, json_selector, json_string, json_version, parse_json, regex_selector};
use crate::edit::{json, pointer};
use crate::error::Result;

/// Manifest files of one plugin, relative to its folder, each with its `version` at `/version`.
pub(crate) const MANIFESTS: &[&str] = &[
    ".claude-plugin/plugin.json",
    ".codex-plugin/plugin.json",
    ".cursor-plugin/plugin.json",
    ".github/plugin/plugin.json",
    ".kimi-plugin/plugin.json",
    ".grok-plugin/plugin.json",
    ".devin-plugin/plugin.json",
    ".copilot-plugin/plugin.json",
    "gemini-extension.json",
];

/// Marketplace catalogs, relative to the catalog's root folder.
pub(super) const CATALOGS: &[&str] = &[
    ".claude-plugin/marketplace.json",
    ".codex-plugin/marketplace.json",
    ".cursor-plugin/marketplace.json",
    ".github/plugin/marketplace.json",
    ".kimi-plugin/marketplace.json",
    ".grok-plugin/marketplace.json",
    ".devin-plugin/marketplace.json",
    ".copilot-plugin/marketplace.json",
    ".agents/plugins/marketplace.json",
];

/// The package folder's own manifests; the first with a version names the plugin's identity.
pub(super) fn manifests(scan: &mut Scan<'_>) -> Result<()> {
    let folder = scan.dir.clone();
    manifests_of(scan, &folder)
}

/// A plugin folder below the root may keep its manifest directly in it (MadAppGang/magus:
/// `plugins/dev/plugin.json`). At the repository root that name is too common to mean a plugin.
const BARE_MANIFEST: &str = "plugin.json";

fn manifests_of(scan: &mut Scan<'_>, folder: &Path) -> Result<()> {
    let bare = (folder != Path::new("")).then_some(BARE_MANIFEST);
    for manifest in MANIFESTS.iter().copied().chain(bare) {
        let file = super::normalise(&folder.join(manifest));
        let Some(text) = scan.read(&file)? else { continue };
        let doc = parse_json(&text, &file)?;
        let name = json_string(&doc, "/name");
        if let Some(version) = json_version(&doc, &text, &file, "/version")? {
            scan.add(&file, json_selector("/version"), &version, true);
            match &mut scan.plugin {
                Some(identity) => identity.names.extend(name.filter(|n| !identity.names.contains(n))),
                None => scan.plugin = Some(Identity { names: name.into_iter().collect(), version }),
            }
        }
    }
    Ok(())
}

/// A catalog's `plugins[]` entries with a local source, resolved once per catalog file.
pub(super) struct Entries {
    /// In the catalog's order.
    local: Vec<LocalEntry>,
    /// Each plugin folder's entries (indices into `local`).
    by_folder: HashMap<PathBuf, Vec<usize>>,
}

/// A `plugins[]` entry with a local source.
struct LocalEntry {
    /// The plugin folder relative to the repository root, normalised (`""` is the root).
    folder: PathBuf,
    version: Option<String>,
    /// Where its version is: by name when no other entry has the name, else by index.
    pointer: String,
}

impl Entries {
    /// The local entries of the catalog `file` (parsed as `doc`) whose root folder is
    /// `catalog_root`.
    fn read(doc: &json::Json<'_>, text: &str, file: &Path, catalog_root: &Path) -> Result<Entries> {
        let plugin_root = json_string(doc, "/metadata/pluginRoot");
        let plugins = doc.elements_at(&super::json_pointer("/plugins")).unwrap_or_default();
        let names: Vec<Option<String>> = plugins.iter().map(|entry| json_string(entry, "/name")).collect();
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for name in names.iter().flatten() {
            *uses.entry(name.as_str()).or_default() += 1;
        }
        let mut local = Vec::new();
        for (index, entry) in plugins.iter().enumerate() {
            let source = match json_string(entry, "/source") {
                Some(source) => Some(source),
                // Codex: {"source": "local", "path": "./plugins/x"}.
                None if json_string(entry, "/source/source").as_deref() == Some("local") => {
                    json_string(entry, "/source/path")
                }
                None => None,
            };
            let Some(source) = source else { continue };
            let Some(folder) = resolve_source(&source, plugin_root.as_deref()) else { continue };
            let pointer = match &names[index] {
                Some(name) if uses[name.as_str()] == 1 => {
                    format!("/plugins/[name={}]/version", pointer::escape(name))
                }
                _ => format!("/plugins/{index}/version"),
            };
            local.push(LocalEntry {
                folder: super::normalise(&catalog_root.join(folder)),
                version: entry_version(doc, entry, text, file, index)?,
                pointer,
            });
        }
        let mut by_folder: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        for (i, entry) in local.iter().enumerate() {
            by_folder.entry(entry.folder.clone()).or_default().push(i);
        }
        Ok(Entries { local, by_folder })
    }
}

/// Catalogs in the package folder, and (for a package below the root) the root's catalogs'
/// entries for it. The root's catalogs are read once for every package detected together.
pub(super) fn marketplaces(scan: &mut Scan<'_>) -> Result<()> {
    for catalog in CATALOGS {
        let file = scan.path(catalog);
        let Some(text) = scan.read(&file)? else { continue };
        let doc = parse_json(&text, &file)?;
        let entries = Entries::read(&doc, &text, &file, &scan.dir)?;
        own_catalog(scan, &file, &doc, &text, &entries)?;
    }
    if scan.dir != Path::new("") {
        for catalog in CATALOGS {
            let file = PathBuf::from(catalog);
            if let Some(entries) = root_catalog(scan, &file)? {
                claim(scan, &file, &entries, false);
            }
        }
    }
    Ok(())
}

/// The local entries of the root's catalogs, by file (`None`: no such catalog), for all the
/// packages one detector detects.
#[derive(Default)]
pub(super) struct RootCatalogs(RefCell<HashMap<PathBuf, Option<Rc<Entries>>>>);

/// The entries of the root's catalog `file`, read on first use; `None` when there is none.
fn root_catalog(scan: &Scan<'_>, file: &Path) -> Result<Option<Rc<Entries>>> {
    let catalogs = &scan.detector.catalogs.0;
    if let Some(known) = catalogs.borrow().get(file) {
        return Ok(known.clone());
    }
    let entries = match scan.read(file)? {
        None => None,
        Some(text) => {
            let doc = parse_json(&text, file)?;
            Some(Rc::new(Entries::read(&doc, &text, file, Path::new(""))?))
        }
    };
    catalogs.borrow_mut().insert(file.to_path_buf(), entries.clone());
    Ok(entries)
}

/// A catalog in the package folder. When it lists exactly one local plugin, that plugin is the
/// package: the catalog's own version, the entry, and the plugin's manifests are all its own.
fn own_catalog(
    scan: &mut Scan<'_>,
    file: &Path,
    doc: &json::Json<'_>,
    text: &str,
    entries: &Entries,
) -> Result<()> {
    let [single] = entries.local.as_slice() else {
        claim(scan, file, entries, true);
        return Ok(());
    };
    for own in ["/version", "/metadata/version"] {
        if let Some(version) = json_version(doc, text, file, own)? {
            scan.add(file, json_selector(own), &version, true);
        }
    }
    if let Some(version) = &single.version {
        scan.add(file, json_selector(&single.pointer), version, true);
    }
    if single.folder != scan.dir {
        manifests_of(scan, &single.folder.clone())?;
    }
    Ok(())
}

/// The versions of the catalog entries whose folder is the package folder. In the package's own
/// catalog (`at_package_root`), entries of plugins in subfolders are reported as left alone.
fn claim(scan: &mut Scan<'_>, file: &Path, entries: &Entries, at_package_root: bool) {
    let package = scan.dir.clone();
    let mine = entries.by_folder.get(&package).map_or(&[][..], Vec::as_slice);
    for &i in mine {
        let entry = &entries.local[i];
        if let Some(version) = &entry.version {
            scan.add(file, json_selector(&entry.pointer), version, true);
        }
    }
    let others = entries.local.len() - mine.len();
    if others > 0 && at_package_root {
        let what = format!("{} plugins", entries.local.len());
        let why = format!(
            "{others} of them live in subfolders; each plugin folder is a package of its own with its own version (the catalog's `/metadata/version`, if any, is not a plugin's), so nothing here follows {}",
            if package == Path::new("") { "the repository".to_string() } else { display(&package) }
        );
        scan.skip(file, what, why);
    }
}

/// The `version` of the entry at `index` of `plugins`, read inside the entry: a walk from the
/// document's root costs the whole document, once per entry and once per package of a catalog
/// (300 plugins made that 13 s). Only an error walks from the root, for its place in the file.
fn entry_version(
    doc: &json::Json<'_>,
    entry: &json::Json<'_>,
    text: &str,
    file: &Path,
    index: usize,
) -> Result<Option<String>> {
    let version = super::json_pointer("/version");
    if !entry.has(&version) {
        return Ok(None);
    }
    match entry.string_at(&version) {
        Ok(found) => Ok(Some(found.value)),
        Err(_) => json_version(doc, text, file, &format!("/plugins/{index}/version")),
    }
}

/// The folder a local `source` names, relative to the catalog's root; `None` when it leaves it.
/// `./x` and `.` are relative to the catalog root; a bare name is relative to
/// `metadata.pluginRoot` (itself relative to the catalog root).
pub(crate) fn resolve_source(source: &str, plugin_root: Option<&str>) -> Option<PathBuf> {
    let explicit = source == "." || source.starts_with("./") || source.starts_with("../");
    let joined = match (explicit, plugin_root) {
        (false, Some(base)) => format!("{base}/{source}"),
        _ => source.to_string(),
    };
    let mut folder = PathBuf::new();
    for component in Path::new(&joined).components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::Normal(part) => folder.push(part),
            std::path::Component::ParentDir => {
                if !folder.pop() {
                    return None;
                }
            }
            std::path::Component::RootDir | std::path::Component::Prefix(_) => return None,
        }
    }
    Some(folder)
}

/// `"<package>@<version>"` strings in the plugin manifests (an `npx chrome-devtools-mcp@1.7.0`
/// command pinning the package this repository publishes): kept when every such pin in the file
/// says the package's version.
pub(super) fn pinned_commands(scan: &mut Scan<'_>) -> Result<()> {
    let Some(own) = scan.own_version() else { return Ok(()) };
    let names = package_names(scan)?;
    for manifest in MANIFESTS {
        let file = scan.path(manifest);
        let Some(text) = scan.read(&file)? else { continue };
        for name in &names {
            let pattern = format!(r#""{}@(?P<version>[0-9][0-9A-Za-z.+-]*)""#, regex::escape(name));
            let regex = regex::Regex::new(&pattern).expect("an escaped name makes a valid pattern");
            let values: Vec<&str> =
                regex.captures_iter(&text).filter_map(|c| c.name("version")).map(|m| m.as_str()).collect();
            let Some(first) = values.first() else { continue };
            if values.iter().all(|v| super::parse_any(v).as_ref() == Some(&own)) {
                scan.add(&file, regex_selector(pattern, true), first, false);
            } else {
                let why = format!(
                    "a pin of the package says {}, not its version {own}; add a [[location]] with `all = true` if it should follow",
                    values.join(", ")
                );
                scan.skip(&file, format!("\"{name}@…\""), why);
            }
        }
    }
    Ok(())
}

/// The names the package is published under (npm's `name`), for recognising pins of it.
fn package_names(scan: &Scan<'_>) -> Result<Vec<String>> {
    let file = scan.path("package.json");
    let Some(text) = scan.read(&file)? else { return Ok(Vec::new()) };
    let doc = parse_json(&text, &file)?;
    Ok(json_string(&doc, "/name").into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve_against_the_root_and_plugin_root() {
        assert_eq!(resolve_source("./", None), Some(PathBuf::new()));
        assert_eq!(resolve_source(".", Some("./plugins")), Some(PathBuf::new()));
        assert_eq!(resolve_source("./plugins/a", None), Some(PathBuf::from("plugins/a")));
        assert_eq!(resolve_source("a", Some("./plugins")), Some(PathBuf::from("plugins/a")));
        assert_eq!(resolve_source("a", None), Some(PathBuf::from("a")));
        assert_eq!(resolve_source("..", Some("./plugins")), Some(PathBuf::new()));
        assert_eq!(resolve_source("../x", None), None);
        assert_eq!(resolve_source("/abs", None), None);
    }
}
