//! Tauri: `src-tauri/tauri.conf.json` and the `src-tauri` crate beside a web front end.
//!
//! The app's version is `/version` (Tauri 2) or `/package/version` (Tauri 1). Tauri 2 also accepts
//! a path to a `package.json` there, in which case the version lives in that file (detected by the
//! npm rule) and nothing in tauri.conf.json is written. The crate in `src-tauri` (its
//! `Cargo.toml` and `Cargo.lock` entry) is detected like any crate.

use std::path::Path;

use super::{Scan, json_selector, json_version, parse_json};
use crate::error::Result;

pub(super) fn app(scan: &mut Scan<'_>) -> Result<()> {
    let file = scan.path("src-tauri/tauri.conf.json");
    let Some(text) = scan.read(&file)? else { return Ok(()) };
    let doc = parse_json(&text, &file)?;
    for pointer in ["/version", "/package/version"] {
        let Some(version) = json_version(&doc, &text, &file, pointer)? else { continue };
        if version.ends_with(".json") {
            scan.skip(
                &file,
                format!("{pointer} \"{version}\""),
                "Tauri reads the version from that file, so it is the location",
            );
        } else {
            scan.add(&file, json_selector(pointer), &version, true);
        }
    }
    super::cargo::crate_or_workspace(scan, Path::new("src-tauri"))
}
