//! A `VERSION` file that holds only the version (and optional surrounding blank space).
//!
//! Kept when a manifest names it (setuptools' `version = { file = "VERSION" }`), when nothing else
//! gives the package's version, or when it equals that version; reported otherwise (a `VERSION`
//! file may describe something else, such as a protocol).

use std::path::Path;

use super::{Scan, regex_selector};
use crate::error::Result;

/// The whole file is the version; `\A`/`\z` keep the pattern from matching inside other text.
const WHOLE: &str = r"\A\s*(?P<version>[0-9][0-9A-Za-z.+-]*)\s*\z";

pub(super) fn version_file(scan: &mut Scan<'_>) -> Result<()> {
    for name in ["VERSION", "VERSION.txt"] {
        let file = scan.path(name);
        if !scan.is_detected(&file) {
            whole_file(scan, &file, false)?;
        }
    }
    Ok(())
}

/// `file` as a one-value version file; `named` when a manifest says the version is there.
pub(super) fn whole_file(scan: &mut Scan<'_>, file: &Path, named: bool) -> Result<()> {
    let Some(text) = scan.read(file)? else {
        if named {
            scan.skip(file, "version file", "the file the manifest names does not exist");
        }
        return Ok(());
    };
    let Some(value) = super::matches_once(&text, WHOLE) else {
        if named {
            scan.skip(
                file,
                "version file",
                "it holds more than a version; add a [[location]] with a regex for it",
            );
        }
        return Ok(());
    };
    if super::parse_any(&value).is_none() {
        scan.skip(file, format!("\"{value}\""), "not a version");
        return Ok(());
    }
    match scan.own_version() {
        None => scan.add(file, regex_selector(WHOLE.to_string(), false), &value, true),
        Some(_) if named || scan.is_own_version(file, &value) => {
            scan.add(file, regex_selector(WHOLE.to_string(), false), &value, named)
        }
        Some(own) => scan.skip(
            file,
            format!("\"{value}\""),
            format!("it is not the package's version {own}; add a [[location]] if it should follow"),
        ),
    }
    Ok(())
}
