//! Where the configuration is: one of four places at the repository root, as other tools of the
//! ecosystem allow (a dotfile, `.config/`, or a table in `pyproject.toml` for Python projects).
//!
//! Two of them at once is an error naming both: silently preferring one would release with
//! settings the user did not edit.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Config, REFERENCE_URL, RawConfig, syntax_error};
use crate::error::{Error, Result};

/// The places vbump looks, in order; the last is a table inside `pyproject.toml`.
pub(super) const CANDIDATES: [&str; 4] =
    ["vbump.toml", ".vbump.toml", ".config/vbump.toml", "pyproject.toml"];

/// `pyproject.toml`: only `[tool.vbump]` is vbump's; every other key belongs to someone else.
#[derive(Deserialize)]
struct Pyproject<T> {
    tool: Option<Tool<T>>,
}

#[derive(Deserialize)]
struct Tool<T> {
    vbump: Option<T>,
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "pyproject.toml")
}

/// The configuration file at `root`, if there is one; more than one is an error naming both.
pub(super) fn find(root: &Path) -> Result<Option<PathBuf>> {
    let mut found: Vec<PathBuf> = Vec::new();
    for candidate in CANDIDATES {
        let path = root.join(candidate);
        if !path.is_file() {
            continue;
        }
        if is_pyproject(&path) && !has_vbump_table(&path)? {
            continue;
        }
        found.push(path);
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [first, second, ..] => Err(Error::input(format!(
            "two configuration files: `{}` and `{}`; vbump reads exactly one",
            describe(root, first),
            describe(root, second)
        ))
        .in_file(second)
        .hint(format!(
            "merge the settings into one of them and delete the other (vbump looks for {}, in that order)",
            CANDIDATES
                .map(|c| if c == "pyproject.toml" {
                    "[tool.vbump] in pyproject.toml".into()
                } else {
                    format!("`{c}`")
                })
                .join(", ")
        ))),
    }
}

/// `.vbump.toml`, or `pyproject.toml [tool.vbump]`: how a found file is named in a message.
fn describe(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path).display().to_string();
    if is_pyproject(path) { format!("{shown} [tool.vbump]") } else { shown }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::input(format!("cannot read the configuration: {e}")).in_file(path).hint(
            "pass an existing file to `--config`, or remove the option to let vbump find its configuration",
        )
    })
}

/// Whether `pyproject.toml` has a `[tool.vbump]` table. A file TOML cannot read is an error here:
/// vbump cannot tell whether it holds vbump's settings.
fn has_vbump_table(path: &Path) -> Result<bool> {
    let text = read(path)?;
    let doc: Pyproject<toml::Table> = toml::from_str(&text).map_err(|e| syntax_error(&e, &text, path))?;
    Ok(doc.tool.and_then(|t| t.vbump).is_some())
}

/// Reads the settings in `path`: the whole file, or `[tool.vbump]` of a `pyproject.toml` (error
/// messages then name lines of `pyproject.toml`).
pub(super) fn load(path: &Path) -> Result<Config> {
    let text = read(path)?;
    if !is_pyproject(path) {
        return Config::parse(&text, path);
    }
    let doc: Pyproject<RawConfig> = toml::from_str(&text).map_err(|e| syntax_error(&e, &text, path))?;
    match doc.tool.and_then(|t| t.vbump) {
        Some(raw) => Config::from_raw(raw, Some(path), &text),
        None => Err(Error::input("pyproject.toml has no [tool.vbump] table")
            .in_file(path)
            .hint(format!("add [tool.vbump] with vbump's settings ({REFERENCE_URL}), or remove `--config`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn prefix_found(files: &[(&str, &str)]) -> String {
        let dir = root_with(files);
        Config::discover(dir.path(), None).unwrap().tag_prefix
    }

    #[test]
    fn each_place_is_found() {
        assert_eq!(prefix_found(&[("vbump.toml", "tag-prefix = \"a\"\n")]), "a");
        assert_eq!(prefix_found(&[(".vbump.toml", "tag-prefix = \"b\"\n")]), "b");
        assert_eq!(prefix_found(&[(".config/vbump.toml", "tag-prefix = \"c\"\n")]), "c");
        let pyproject = "[project]\nname = \"x\"\nversion = \"1.0.0\"\n\n[tool.vbump]\ntag-prefix = \"d\"\n";
        assert_eq!(prefix_found(&[("pyproject.toml", pyproject)]), "d");
        assert_eq!(prefix_found(&[]), "v", "no file: defaults");
    }

    #[test]
    fn a_pyproject_without_the_table_is_not_a_configuration() {
        let pyproject = "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 100\n";
        assert_eq!(
            prefix_found(&[("pyproject.toml", pyproject), ("vbump.toml", "tag-prefix = \"a\"\n")]),
            "a"
        );
    }

    #[test]
    fn two_places_at_once_is_an_error_naming_both() {
        let dir = root_with(&[("vbump.toml", ""), (".config/vbump.toml", "")]);
        let e = Config::discover(dir.path(), None).unwrap_err();
        assert!(
            e.to_string().contains("two configuration files: `vbump.toml` and `.config/vbump.toml`"),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
        let dir = root_with(&[(".vbump.toml", ""), ("pyproject.toml", "[tool.vbump]\n")]);
        let e = Config::discover(dir.path(), None).unwrap_err();
        assert!(e.to_string().contains("`.vbump.toml` and `pyproject.toml [tool.vbump]`"), "{e}");
    }

    #[test]
    fn errors_in_pyproject_name_its_lines() {
        let pyproject = "[project]\nname = \"x\"\n\n[tool.vbump]\ntag-prefx = \"v\"\n";
        let dir = root_with(&[("pyproject.toml", pyproject)]);
        let e = Config::discover(dir.path(), None).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("pyproject.toml:5:1: "), "{text}");
        assert!(text.contains("tag-prefx"), "{text}");
    }

    #[test]
    fn locations_in_pyproject_name_their_lines() {
        let pyproject = "[project]\nversion = \"1.0.0\"\n\n[tool.vbump]\n[[tool.vbump.location]]\nfile = \"pyproject.toml\"\ntoml = \"project.version\"\n";
        let dir = root_with(&[("pyproject.toml", pyproject)]);
        let config = Config::discover(dir.path(), None).unwrap();
        let locations = config.locations.unwrap();
        assert_eq!(locations[0].declared_at.as_ref().unwrap().line, Some(5));
    }

    #[test]
    fn an_explicit_pyproject_without_the_table_is_an_error() {
        let dir = root_with(&[("pyproject.toml", "[project]\nname = \"x\"\n")]);
        let e = Config::discover(dir.path(), Some(&dir.path().join("pyproject.toml"))).unwrap_err();
        assert!(e.to_string().contains("no [tool.vbump] table"), "{e}");
        let missing = Config::discover(dir.path(), Some(&dir.path().join("nope.toml"))).unwrap_err();
        assert!(missing.to_string().contains("cannot read the configuration"), "{missing}");
    }
}
