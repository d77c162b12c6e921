//! Files release-please's configuration names as `generic` extra files, with its markers.
//!
//! A maintainer who used release-please has already declared these copies: the
//! `release-please-config.json` entry names the file, and a marker names the line, either on the
//! line itself (`version = "1.7.0" # x-release-please-version`) or around it
//! (`// x-release-please-start-version` … `// x-release-please-end`). Each marked version is kept
//! when it equals the package's version. Typed entries (`json`, `toml`, `yaml`, `xml`) are left to
//! the other rules.

use std::path::Path;

use super::{Scan, json_string, parse_json, regex_selector};
use crate::error::Result;

/// The version on a line carrying the inline marker.
const INLINE: &str =
    r"(?m)(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:[-+.]?[0-9A-Za-z]+)*)[^\n]*x-release-please-version";
/// The first version on the line after a start marker.
const BLOCK: &str = r"x-release-please-start-version[^\n]*\n[^\n]*?(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:[-+.]?[0-9A-Za-z]+)*)";

pub(super) fn extra_files(scan: &mut Scan<'_>) -> Result<()> {
    let config = Path::new("release-please-config.json");
    let Some(text) = scan.read(config)? else { return Ok(()) };
    let doc = parse_json(&text, config)?;
    // The package's entry: its key is its folder, "." for the root.
    let key = if scan.dir == Path::new("") { ".".to_string() } else { super::display(&scan.dir) };
    let pointer = format!("/packages/{}/extra-files", crate::edit::pointer::escape(&key));
    let entries = doc.elements_at(&super::json_pointer(&pointer)).unwrap_or_default();
    for entry in entries {
        let path = match json_string(&entry, "") {
            Some(path) => path,
            None if json_string(&entry, "/type").is_none_or(|t| t == "generic") => {
                let Some(path) = json_string(&entry, "/path") else { continue };
                path
            }
            None => continue,
        };
        // Paths are relative to the package folder; a leading `/` is the repository root.
        let file = match path.strip_prefix('/') {
            Some(from_root) => super::normalise(Path::new(from_root)),
            None => scan.path(&path),
        };
        marked(scan, &file)?;
    }
    Ok(())
}

fn marked(scan: &mut Scan<'_>, file: &Path) -> Result<()> {
    let Some(text) = scan.read(file)? else { return Ok(()) };
    for pattern in [INLINE, BLOCK] {
        let regex = regex::Regex::new(pattern).expect("the marker patterns are valid");
        let values: Vec<&str> =
            regex.captures_iter(&text).filter_map(|c| c.name("version")).map(|m| m.as_str()).collect();
        let Some(first) = values.first() else { continue };
        if values.iter().all(|v| scan.is_own_version(file, v)) {
            scan.add(file, regex_selector(pattern.to_string(), true), first, false);
        } else {
            let own = scan.own_version().map(|v| v.to_string()).unwrap_or_default();
            let why = format!(
                "a release-please marker holds {}, not the package's version {own}; fix it with `vbump set`",
                values.join(", ")
            );
            scan.skip(file, "x-release-please-version", why);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_markers_capture_the_version_they_mark() {
        let inline = regex::Regex::new(INLINE).unwrap();
        let text = "name = \"x\"\nversion = \"2.1.0\" # x-release-please-version\nother = \"3.0.0\"\n";
        let found: Vec<&str> =
            inline.captures_iter(text).map(|c| c.name("version").unwrap().as_str()).collect();
        assert_eq!(found, ["2.1.0"]);
        let block = regex::Regex::new(BLOCK).unwrap();
        let text = "// x-release-please-start-version\nexport const VERSION = '2.1.0-rc.1';\n// x-release-please-end\n";
        assert_eq!(&block.captures(text).unwrap()["version"], "2.1.0-rc.1");
    }
}
