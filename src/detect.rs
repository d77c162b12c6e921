//! Auto-detection of version locations, used when `vbump.toml` has no `[[location]]`.
//!
//! Only files at the repository root are considered; a sub-package (`workers/x/package.json`)
//! has its own version and must not follow the repository's. The rules, in output order:
//!
//! 1. `.claude-plugin/plugin.json` `/version`: the root plugin.
//! 2. `.claude-plugin/marketplace.json`: each `plugins[]` entry with a `version` whose local
//!    `source` resolves to the repository root (`./`, `.`, or a bare name under
//!    `metadata.pluginRoot` that resolves there). Entries whose source is an object (`github`,
//!    `url`, `git-subdir`, …) are never touched. When the marketplace lists exactly one local
//!    plugin, that plugin is the repository's: its entry, the `/version` of its own
//!    `<source>/.claude-plugin/plugin.json`, and the marketplace's `/version` or
//!    `/metadata/version` are all detected. Entries are selected by name (`[name=…]`) when the
//!    name is unique, else by index.
//! 3. `pyproject.toml` `project.version` (unless `project.dynamic` lists `version`) and
//!    `tool.poetry.version`.
//! 4. `Cargo.toml` `package.version` and `workspace.package.version` (a `version.workspace = true`
//!    inherits and is skipped); with `package.version`, the package's own entry in `Cargo.lock`
//!    when it has exactly one, because `cargo build --locked` fails on a stale lock file.
//! 5. `package.json` `/version`.
//!
//! Only values that exist and are strings are detected; a file that does not parse is an error,
//! because guessing around it could leave a version behind.

use std::path::{Component, Path, PathBuf};

use crate::config::{LocationSpec, Selector};
use crate::edit::{json, pointer, toml};
use crate::error::{Error, Place, Result};

const PLUGIN: &str = ".claude-plugin/plugin.json";
const MARKETPLACE: &str = ".claude-plugin/marketplace.json";

/// The version locations found under `root`, in the order above.
pub fn detect(root: &Path) -> Result<Vec<LocationSpec>> {
    let mut specs = Vec::new();
    if let Some(text) = read(root, PLUGIN)? {
        if json_has_string(&text, PLUGIN, "/version")? {
            specs.push(json_spec(PLUGIN, "/version"));
        }
    }
    if let Some(text) = read(root, MARKETPLACE)? {
        specs.extend(marketplace(root, &text)?);
    }
    if let Some(text) = read(root, "pyproject.toml")? {
        let doc = parse_toml(&text, "pyproject.toml")?;
        let dynamic = doc
            .get("project")
            .and_then(|p| p.get("dynamic"))
            .and_then(|d| d.as_array())
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("version")));
        if !dynamic && toml_has_string(&doc, "project.version") {
            specs.push(toml_spec("pyproject.toml", "project.version"));
        }
        if toml_has_string(&doc, "tool.poetry.version") {
            specs.push(toml_spec("pyproject.toml", "tool.poetry.version"));
        }
    }
    if let Some(text) = read(root, "Cargo.toml")? {
        let doc = parse_toml(&text, "Cargo.toml")?;
        for key in ["package.version", "workspace.package.version"] {
            if toml_has_string(&doc, key) {
                specs.push(toml_spec("Cargo.toml", key));
            }
        }
        let name = doc.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str());
        if let (Some(name), true) = (name, toml_has_string(&doc, "package.version"))
            && let Some(lock) = read(root, "Cargo.lock")?
        {
            specs.extend(cargo_lock_entry(&lock, name));
        }
    }
    if let Some(text) = read(root, "package.json")? {
        if json_has_string(&text, "package.json", "/version")? {
            specs.push(json_spec("package.json", "/version"));
        }
    }
    Ok(specs)
}

/// The `version` of package `name` in a Cargo.lock, as a regex location, when the lock file has
/// exactly one entry of that name (two would be the crate and a registry crate of the same name).
fn cargo_lock_entry(lock: &str, name: &str) -> Option<LocationSpec> {
    let pattern = format!(r#"(?m)^name = "{}"\r?\nversion = "(?P<version>[^"]+)""#, regex::escape(name));
    let matches = regex::Regex::new(&pattern).ok()?.find_iter(lock).count();
    (matches == 1).then(|| LocationSpec {
        file: PathBuf::from("Cargo.lock"),
        selector: Selector::Regex { pattern, all: false },
        optional: false,
        declared_at: None,
    })
}

fn read(root: &Path, file: &str) -> Result<Option<String>> {
    match std::fs::read(root.join(file)) {
        Ok(bytes) => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
            match String::from_utf8(body.to_vec()) {
                Ok(text) => Ok(Some(text)),
                Err(_) => {
                    Err(Error::input("the file is not UTF-8 text").in_file(file).hint("save it as UTF-8"))
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::input(format!("cannot read: {e}")).in_file(file)),
    }
}

fn json_spec(file: &str, pointer: &str) -> LocationSpec {
    LocationSpec {
        file: PathBuf::from(file),
        selector: Selector::Json(pointer.into()),
        optional: false,
        declared_at: None,
    }
}

fn toml_spec(file: &str, key: &str) -> LocationSpec {
    LocationSpec {
        file: PathBuf::from(file),
        selector: Selector::Toml(key.into()),
        optional: false,
        declared_at: None,
    }
}

fn parse_error(file: &str, text: &str, located: crate::edit::Located) -> Error {
    Error::input(located.message)
        .at(Place::of_offset(file, text.as_bytes(), located.offset))
        .hint("fix the file so vbump can detect its version, or list the locations in vbump.toml")
}

fn parse_json<'a>(text: &'a str, file: &str) -> Result<json::Json<'a>> {
    json::parse(text).map_err(|e| parse_error(file, text, e))
}

fn parse_toml<'a>(text: &'a str, file: &str) -> Result<toml_edit::Document<&'a str>> {
    toml::parse(text).map_err(|e| parse_error(file, text, e))
}

fn json_has_string(text: &str, file: &str, pointer: &str) -> Result<bool> {
    let root = parse_json(text, file)?;
    Ok(has_string(&root, pointer))
}

fn has_string(doc: &json::Json<'_>, pointer: &str) -> bool {
    pointer::Pointer::parse(pointer).is_ok_and(|p| doc.has_string(&p))
}

fn get_string(doc: &json::Json<'_>, pointer: &str) -> Option<String> {
    pointer::Pointer::parse(pointer).ok().and_then(|p| doc.get_string(&p))
}

fn toml_has_string(doc: &toml_edit::Document<&str>, key: &str) -> bool {
    toml::parse_path(key).is_ok_and(|keys| toml::find(doc, &keys).is_ok())
}

/// A `plugins[]` entry with a local source.
struct LocalEntry {
    index: usize,
    name: Option<String>,
    /// The plugin folder relative to the repository root, normalised (`""` is the root).
    folder: PathBuf,
    has_version: bool,
}

fn marketplace(root: &Path, text: &str) -> Result<Vec<LocationSpec>> {
    let doc = parse_json(text, MARKETPLACE)?;
    let plugin_root = get_string(&doc, "/metadata/pluginRoot");
    let plugins =
        pointer::Pointer::parse("/plugins").ok().and_then(|p| doc.elements_at(&p)).unwrap_or_default();
    let names: Vec<Option<String>> = plugins.iter().map(|entry| get_string(entry, "/name")).collect();
    let local: Vec<LocalEntry> = plugins
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            // A string source is a local path; an object source is fetched from elsewhere.
            let source = get_string(entry, "/source")?;
            let folder = resolve_source(&source, plugin_root.as_deref())?;
            let has_version = has_string(entry, "/version");
            Some(LocalEntry { index, name: names[index].clone(), folder, has_version })
        })
        .collect();
    let entry_pointer = |entry: &LocalEntry| match &entry.name {
        Some(name) if names.iter().filter(|n| n.as_deref() == Some(name)).count() == 1 => {
            format!("/plugins/[name={}]/version", pointer::escape(name))
        }
        _ => format!("/plugins/{}/version", entry.index),
    };
    let mut specs = Vec::new();
    if let [single] = local.as_slice() {
        for own in ["/version", "/metadata/version"] {
            if has_string(&doc, own) {
                specs.push(json_spec(MARKETPLACE, own));
            }
        }
        if single.has_version {
            specs.push(json_spec(MARKETPLACE, &entry_pointer(single)));
        }
        if single.folder != Path::new("") {
            let plugin = single.folder.join(PLUGIN);
            let plugin = plugin.to_string_lossy().replace('\\', "/");
            if let Some(text) = read(root, &plugin)? {
                if json_has_string(&text, &plugin, "/version")? {
                    specs.push(json_spec(&plugin, "/version"));
                }
            }
        }
    } else {
        for entry in local.iter().filter(|e| e.has_version && e.folder == Path::new("")) {
            specs.push(json_spec(MARKETPLACE, &entry_pointer(entry)));
        }
    }
    Ok(specs)
}

/// The folder a local `source` names, relative to the repository root; `None` when it leaves the
/// repository. `./x` and `.` are relative to the marketplace root (the repository root); a bare
/// name is relative to `metadata.pluginRoot` (itself relative to the root).
fn resolve_source(source: &str, plugin_root: Option<&str>) -> Option<PathBuf> {
    let explicit = source == "." || source.starts_with("./") || source.starts_with("../");
    let joined = match (explicit, plugin_root) {
        (false, Some(base)) => format!("{base}/{source}"),
        _ => source.to_string(),
    };
    let mut folder = PathBuf::new();
    for component in Path::new(&joined).components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => folder.push(part),
            Component::ParentDir => {
                if !folder.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_entry_of_cargo_lock_follows_cargo_toml() {
        let lock = "version = 4\n\n[[package]]\nname = \"demo\"\nversion = \"1.2.0\"\ndependencies = [\n \"semver\",\n]\n\n\
                    [[package]]\nname = \"semver\"\nversion = \"1.0.0\"\n";
        let spec = cargo_lock_entry(lock, "demo").unwrap();
        let files =
            crate::edit::VersionFiles::from_contents(&[spec], &[("Cargo.lock".into(), lock.into())]).unwrap();
        assert_eq!(files.fields()[0].value, "1.2.0");
        assert_eq!(files.fields()[0].line, 5);
        // No entry (never built) or two entries of the name: not detected.
        assert!(cargo_lock_entry(lock, "other").is_none());
        let twice =
            format!("{lock}\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\nsource = \"registry\"\n");
        assert!(cargo_lock_entry(&twice, "demo").is_none());
    }

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
