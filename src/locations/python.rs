//! Python: `pyproject.toml`, `__version__`, `setup.cfg`, `uv.lock`. Values are PEP 440
//! (`1.3.0rc1`); see `edit::pep440`.
//!
//! - `project.version` (PEP 621) and `tool.poetry.version`.
//! - `dynamic = ["version"]`: the version lives in a file, never in `project.version` (adding one
//!   there would break the build). The file is the one `[tool.hatch.version] path`,
//!   `[tool.pdm.version] path` or `[tool.setuptools.dynamic] version = { attr | file }` names,
//!   else the package's `__init__.py`, `__version__.py`, `_version.py` or `__about__.py` (the package
//!   named by the project, flat or under `src/`). A version computed from git tags (hatch-vcs,
//!   setuptools-scm, uv-dynamic-versioning, …) has nothing to write and is reported.
//! - With a static version, a `__version__` in those files is kept when it equals it.
//! - `setup.cfg` `[metadata] version`.
//! - `requirements*.txt` lines that pin the project itself at its version
//!   (`python-semantic-release == 10.6.1` in a GitHub Action's requirements), in the package
//!   folder or one or two folders down.
//! - `uv.lock`'s entry for the project itself (`source = { editable = "." }` or `virtual`), because
//!   `uv sync --locked` fails on a stale lock.

use std::path::{Path, PathBuf};

use super::{Scan, display, parse_toml, regex_selector, toml_selector, toml_string};
use crate::error::Result;

/// `__version__ = "…"` (with an optional `: str` annotation), one per file.
const DUNDER: &str = r#"(?m)^__version__\s*(?::\s*str\s*)?=\s*["'](?P<version>[^"'\s]+)["']"#;
/// Where a package keeps `__version__`, relative to the package's import folder.
const VERSION_MODULES: &[&str] = &["__init__.py", "__version__.py", "_version.py", "__about__.py"];

pub(super) fn project(scan: &mut Scan<'_>) -> Result<()> {
    let file = scan.path("pyproject.toml");
    if let Some(text) = scan.read(&file)? {
        pyproject(scan, &file, &text)?;
    }
    setup_cfg(scan)
}

fn pyproject(scan: &mut Scan<'_>, file: &Path, text: &str) -> Result<()> {
    let doc = parse_toml(text, file)?;
    let name =
        toml_string(&doc, &["project", "name"]).or_else(|| toml_string(&doc, &["tool", "poetry", "name"]));
    let dynamic = doc
        .get("project")
        .and_then(|p| p.get("dynamic"))
        .and_then(|d| d.as_array())
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("version")));
    let mut accepted = false;
    for keys in [&["project", "version"][..], &["tool", "poetry", "version"]] {
        if keys[0] == "project" && dynamic {
            continue;
        }
        let Some(version) = super::toml_version(&doc, text, file, keys)? else { continue };
        if scan.accepts_manifest(file, name.as_deref(), &version) {
            scan.add(file, toml_selector(keys), &version, true);
            accepted = true;
        }
    }
    if dynamic {
        dynamic_version(scan, file, &doc, name.as_deref())?;
        accepted = true;
    } else if accepted {
        for module in module_files(scan, &doc, name.as_deref()) {
            dunder(scan, &module, false)?;
        }
    }
    if accepted && let Some(name) = &name {
        uv_lock(scan, name)?;
        requirement_pins(scan, name)?;
    }
    Ok(())
}

/// The file a dynamic version is read from.
fn dynamic_version(
    scan: &mut Scan<'_>,
    file: &Path,
    doc: &toml_edit::Document<&str>,
    name: Option<&str>,
) -> Result<()> {
    let hatch_source = toml_string(doc, &["tool", "hatch", "version", "source"]);
    let from_git = matches!(hatch_source.as_deref(), Some("vcs" | "uv-dynamic-versioning" | "versioningit"))
        || doc.get("tool").and_then(|t| t.get("setuptools_scm")).is_some()
        || toml_string(doc, &["tool", "pdm", "version", "source"]).as_deref() == Some("scm");
    if from_git {
        scan.skip(
            file,
            "dynamic = [\"version\"]",
            "the version is computed from git tags at build time: there is nothing to write, the tag vbump pushes is the version",
        );
        return Ok(());
    }
    let named = toml_string(doc, &["tool", "hatch", "version", "path"])
        .or_else(|| toml_string(doc, &["tool", "pdm", "version", "path"]))
        .map(|p| scan.path(p));
    if let Some(module) = named {
        return dunder(scan, &module, true).map(drop);
    }
    let setuptools = doc
        .get("tool")
        .and_then(|t| t.get("setuptools"))
        .and_then(|s| s.get("dynamic"))
        .and_then(|d| d.get("version"));
    if let Some(attr) = setuptools.and_then(|v| v.get("attr")).and_then(|a| a.as_str()) {
        // `pkg.__version__` or `pkg.about.__version__`: the module holding the attribute.
        let module = attr.rsplit_once('.').map_or(attr, |(module, _)| module).replace('.', "/");
        for candidate in [
            format!("{module}/__init__.py"),
            format!("{module}.py"),
            format!("src/{module}/__init__.py"),
            format!("src/{module}.py"),
        ] {
            let candidate = scan.path(candidate);
            if scan.is_file(&candidate) {
                return dunder(scan, &candidate, true).map(drop);
            }
        }
    }
    if let Some(version_file) = setuptools.and_then(|v| v.get("file")).and_then(|f| f.as_str()) {
        let version_file = scan.path(version_file);
        return super::plain::whole_file(scan, &version_file, true);
    }
    for module in module_files(scan, doc, name) {
        if dunder(scan, &module, true)? {
            return Ok(());
        }
    }
    scan.skip(
        file,
        "dynamic = [\"version\"]",
        "no file holding `__version__` was found for it; add a [[location]] with `regex = '__version__ = \"(?P<version>[^\"]+)\"'` for the file the build reads",
    );
    Ok(())
}

/// The package's version modules that exist: `<name>/…` and `src/<name>/…`, with the name as
/// Python imports it (`my-pkg` → `my_pkg`), or the packages Poetry lists.
fn module_files(scan: &Scan<'_>, doc: &toml_edit::Document<&str>, name: Option<&str>) -> Vec<PathBuf> {
    let mut packages: Vec<String> =
        name.map(|n| n.replace(['-', '.'], "_").to_lowercase()).into_iter().collect();
    if let Some(listed) = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("packages"))
        .and_then(|p| p.as_array())
    {
        for entry in listed.iter() {
            if let Some(include) =
                entry.as_inline_table().and_then(|t| t.get("include")).and_then(|i| i.as_str())
            {
                packages.push(include.to_string());
            }
        }
    }
    let mut files = Vec::new();
    for package in packages {
        for base in ["", "src/"] {
            for module in VERSION_MODULES {
                let file = scan.path(format!("{base}{package}/{module}"));
                if scan.is_file(&file) && !files.contains(&file) {
                    files.push(file);
                }
            }
        }
    }
    files
}

/// `__version__` in `file`: managed when named by the manifest (`named`) or equal to the package's
/// version. True when it was managed.
fn dunder(scan: &mut Scan<'_>, file: &Path, named: bool) -> Result<bool> {
    let Some(text) = scan.read(file)? else {
        if named {
            scan.skip(file, "version file", "the file pyproject.toml names does not exist");
        }
        return Ok(false);
    };
    let Some(value) = super::matches_once(&text, DUNDER) else {
        if named {
            scan.skip(file, "__version__", "no single `__version__ = \"…\"` line; add a [[location]] with a regex for the line that holds it");
        }
        return Ok(false);
    };
    if named || scan.is_own_version(file, &value) {
        scan.add(file, regex_selector(DUNDER.to_string(), false), &value, named);
        return Ok(true);
    }
    let own = scan.own_version().map(|v| v.to_string()).unwrap_or_default();
    scan.skip(
        file,
        format!("__version__ = \"{value}\""),
        format!("it is not the package's version {own}; add a [[location]] if it should follow"),
    );
    Ok(false)
}

/// `setup.cfg` `[metadata] version`: a literal version, or `attr:` / `file:` naming where it is.
fn setup_cfg(scan: &mut Scan<'_>) -> Result<()> {
    let file = scan.path("setup.cfg");
    let Some(text) = scan.read(&file)? else { return Ok(()) };
    let Some(value) = metadata_version(&text) else { return Ok(()) };
    if let Some(attr) = value.strip_prefix("attr:") {
        let module = attr.trim().rsplit_once('.').map_or(attr.trim(), |(m, _)| m).replace('.', "/");
        for candidate in
            [format!("{module}/__init__.py"), format!("{module}.py"), format!("src/{module}/__init__.py")]
        {
            let candidate = scan.path(candidate);
            if scan.is_file(&candidate) {
                return dunder(scan, &candidate, true).map(drop);
            }
        }
        scan.skip(
            &file,
            format!("version = {value}"),
            "the module it names was not found; add a [[location]] for it",
        );
        return Ok(());
    }
    if let Some(named) = value.strip_prefix("file:") {
        let named = scan.path(named.trim());
        return super::plain::whole_file(scan, &named, true);
    }
    let pattern = r"(?m)^version\s*=\s*(?P<version>[0-9][^\s;#]*)".to_string();
    match super::matches_once(&text, &pattern) {
        Some(found) if scan.accepts_manifest(&file, None, &found) => {
            scan.add(&file, regex_selector(pattern, false), &found, true)
        }
        Some(_) => {}
        None => scan.skip(
            &file,
            format!("version = {value}"),
            "more than one `version =` line; add a [[location]] with a regex for the [metadata] one",
        ),
    }
    Ok(())
}

/// The value of `version` in the `[metadata]` section.
fn metadata_version(text: &str) -> Option<String> {
    let mut in_metadata = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_metadata = line == "[metadata]";
        } else if in_metadata
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "version"
        {
            return Some(value.trim().to_string());
        }
    }
    None
}

/// `NAME == VERSION` lines pinning the project in requirements files, kept when every pin in the
/// file says the package's version. Names compare as PEP 503 does (`-`, `_` and `.` alike, any case).
fn requirement_pins(scan: &mut Scan<'_>, name: &str) -> Result<()> {
    let separators: Vec<String> = name.split(['-', '_', '.']).map(regex::escape).collect();
    let pattern = format!(r"(?mi)^{}\s*==\s*(?P<version>[0-9][0-9A-Za-z.+!-]*)", separators.join("[-_.]"));
    let regex = regex::Regex::new(&pattern).expect("an escaped name makes a valid pattern");
    let mut folders = vec![scan.dir.clone()];
    folders.extend(super::subfolders::folders(scan));
    for folder in folders {
        let files = scan
            .file_names(&folder)
            .into_iter()
            .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"));
        for file in files.map(|n| folder.join(n)) {
            let Some(text) = scan.read(&file)? else { continue };
            let values: Vec<&str> =
                regex.captures_iter(&text).filter_map(|c| c.name("version")).map(|m| m.as_str()).collect();
            let Some(first) = values.first() else { continue };
            if values.iter().all(|v| scan.is_own_version(&file, v)) {
                scan.add(&file, regex_selector(pattern.clone(), true), first, false);
            } else {
                let why = format!(
                    "it pins {name} at {}, not at the package's version; add a [[location]] if it should follow",
                    values.join(", ")
                );
                scan.skip(&file, format!("{name} == …"), why);
            }
        }
    }
    Ok(())
}

/// `uv.lock`'s entry for the project itself, in the package folder or above it.
fn uv_lock(scan: &mut Scan<'_>, name: &str) -> Result<()> {
    let mut folder = scan.dir.clone();
    let mut relative = PathBuf::new();
    loop {
        let lock = folder.join("uv.lock");
        if let Some(text) = scan.read(&lock)? {
            // uv writes names normalised (PEP 503) and sources relative to the lock.
            let normalised = name.to_lowercase().replace(['_', '.'], "-");
            let source = if relative.as_os_str().is_empty() { ".".to_string() } else { display(&relative) };
            let pattern = format!(
                r#"(?m)^name = "{}"\r?\nversion = "(?P<version>[^"]+)"\r?\nsource = \{{ (?:editable|virtual) = "{}" \}}"#,
                regex::escape(&normalised),
                regex::escape(&source)
            );
            match super::matches_once(&text, &pattern) {
                Some(value) => scan.add(&lock, regex_selector(pattern, false), &value, true),
                None => scan.skip(
                    &lock,
                    format!("[[package]] name = \"{normalised}\""),
                    "no editable entry for the project; run `uv lock` to refresh it",
                ),
            }
            return Ok(());
        }
        let Some(last) = folder.file_name().map(|n| n.to_os_string()) else { return Ok(()) };
        // (`Path::join` with an empty path would leave a trailing `/`.)
        relative = if relative.as_os_str().is_empty() {
            PathBuf::from(&last)
        } else {
            Path::new(&last).join(&relative)
        };
        folder.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metadata_version_of_setup_cfg() {
        let text = "[bdist_wheel]\nversion = 9\n[metadata]\nname = x\nversion = 1.2.0\n\n[options]\n";
        assert_eq!(metadata_version(text).as_deref(), Some("1.2.0"));
        assert_eq!(metadata_version("[options]\nversion = 1\n"), None);
    }

    #[test]
    fn the_dunder_pattern_reads_plain_and_annotated_assignments() {
        for line in [
            "__version__ = \"1.2.0\"\n",
            "__version__: str = '1.2.0'\n",
            "x = 1\n__version__ =\"1.2.0\"  # bumped\n",
        ] {
            assert_eq!(super::super::matches_once(line, DUNDER).as_deref(), Some("1.2.0"), "{line}");
        }
        assert_eq!(super::super::matches_once("version = __version__\n", DUNDER), None);
    }
}
